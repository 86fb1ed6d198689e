import type { ControllerClient, Release } from "@berth/api";
import type { CliDeps } from "./deps.ts";
import { CliError, Interrupted } from "./errors.ts";
import type { Printer } from "./output.ts";

export interface WatchOptions {
  client: ControllerClient;
  app: string;
  version: number;
  printer: Printer;
  interactive: boolean;
  deps: Pick<CliDeps, "pollMs" | "stdin" | "stderr" | "interrupt">;
}

function stopped(app: string, version: number): Interrupted {
  return new Interrupted(
    `stopped waiting for v${version} of ${app}`,
    `the rollout goes on; \`berth releases -a ${app}\` shows how it ends`,
  );
}

/** Waits `ms`, or rejects with `error` as soon as Ctrl-C is pressed. */
function sleep(ms: number, interrupt: AbortSignal | undefined, error: () => Error): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = () => {
      clearTimeout(timer);
      reject(error());
    };
    const timer = setTimeout(() => {
      interrupt?.removeEventListener("abort", stop);
      resolve();
    }, ms);
    if (interrupt?.aborted) stop();
    else interrupt?.addEventListener("abort", stop, { once: true });
  });
}

/** Polls the release until its rollout ends; Ctrl-C stops the waiting (not the rollout). */
export async function untilSettled(
  client: ControllerClient,
  app: string,
  version: number,
  pollMs: number,
  interrupt?: AbortSignal,
): Promise<Release> {
  for (;;) {
    const release = await client.releases.get(app, version).catch((error: unknown) => {
      throw interrupt?.aborted ? stopped(app, version) : error;
    });
    if (release.state !== "pending") return release;
    await sleep(pollMs, interrupt, () => stopped(app, version));
  }
}

/**
 * Waits until the release is deployed or failed, and says which: a spinner on a terminal (Ink, loaded
 * only when there is something to wait for), one line when piped. A failed rollout is an error.
 */
export async function watchRelease(options: WatchOptions): Promise<Release> {
  const { client, app, version, printer } = options;
  const pollMs = options.deps.pollMs ?? 500;
  let release = await client.releases.get(app, version);
  if (release.state === "pending") {
    if (options.interactive) {
      const { followRollout } = await import("./ui/rollout-view.ts");
      release = await followRollout({
        client,
        app,
        version,
        pollMs,
        stdout: options.deps.stderr,
        stdin: options.deps.stdin,
        color: printer.color,
        ...(options.deps.interrupt ? { interrupt: options.deps.interrupt } : {}),
      });
    } else {
      printer.line(`deploying v${version} of ${app}…`);
      release = await untilSettled(client, app, version, pollMs, options.deps.interrupt);
    }
  }
  if (release.state === "failed") {
    throw new CliError(
      `v${version} of ${app} failed to deploy: ${release.failure ?? "no reason given"}`,
      `the app keeps serving its previous release; \`berth releases:info v${version} -a ${app}\` has the details`,
    );
  }
  if (release.state === "superseded") {
    printer.line(`v${version} of ${app} was taken over by a newer release before its rollout finished; \`berth releases -a ${app}\` shows how that one ends`);
    return release;
  }
  printer.line(`${printer.style("green", "✓")} v${version} of ${app} deployed`);
  return release;
}
