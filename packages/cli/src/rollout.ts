import type { ControllerClient, Release, ReleaseStatus } from "@berth/api";
import type { CliDeps } from "./deps.ts";
import { CliError, Interrupted } from "./errors.ts";
import type { Printer } from "./output.ts";

export interface WatchOptions {
  client: ControllerClient;
  app: string;
  version: number;
  printer: Printer;
  interactive: boolean;
  deps: Pick<CliDeps, "stdin" | "stderr" | "interrupt">;
}

function stopped(app: string, version: number): Interrupted {
  return new Interrupted(
    `stopped waiting for v${version} of ${app}`,
    `the rollout goes on; \`berth releases -a ${app}\` shows how it ends`,
  );
}

/**
 * Waits until the release is deployed or failed, and says which: a spinner with the rollout's
 * progress on a terminal (Ink, loaded only when there is something to wait for), one line when
 * piped. Ctrl-C stops the waiting, not the rollout. A failed rollout is an error.
 */
export async function watchRelease(options: WatchOptions): Promise<Release> {
  const { client, app, version, printer } = options;
  const interrupt = options.deps.interrupt;
  const settle = (onProgress?: (status: ReleaseStatus) => void) =>
    client.releases
      .settled(app, version, { ...(interrupt ? { signal: interrupt } : {}), ...(onProgress ? { onProgress } : {}) })
      .catch((error: unknown) => {
        throw interrupt?.aborted ? stopped(app, version) : error;
      });
  let release = await client.releases.get(app, version);
  if (release.state === "pending") {
    const title = `deploying v${version} of ${app}…`;
    if (options.interactive) {
      const { followRollout } = await import("./ui/rollout-view.ts");
      release = await followRollout({ title, settle, stdout: options.deps.stderr, stdin: options.deps.stdin, color: printer.color });
    } else {
      printer.line(title);
      release = await settle();
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
