import type { Readable } from "node:stream";
import type Docker from "dockerode";
import { BuildError } from "../errors.ts";
import type { BuildOutput } from "./output.ts";

/** The part of dockerode the builder uses. */
export type DockerClient = Pick<Docker, "buildImage" | "getImage" | "modem">;

interface ProgressEvent {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/**
 * Follows the engine's JSON progress stream with dockerode's own follower, handing on each event,
 * and resolves with the first error the engine reported (undefined when there was none).
 */
function follow(
  docker: DockerClient,
  stream: Readable,
  onEvent: (event: ProgressEvent) => void,
  signal: AbortSignal,
): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let failure: string | undefined;
    // The follower takes a stream that closes without ending for a finished one; a build cut off
    // that way (the engine went away) is not a success. This listener runs before the follower's.
    let ended = false;
    stream.once("end", () => {
      ended = true;
    });
    // Decoded across chunks, so a character of the build's output cut between two stays whole.
    stream.setEncoding("utf8");
    docker.modem.followProgress(
      stream,
      (error) => {
        if (signal.aborted) reject(cancelled(signal));
        else if (error !== null) reject(error);
        else if (!ended) reject(new Error("the Docker engine closed the build stream"));
        else resolve(failure);
      },
      (event: ProgressEvent) => {
        if (event.error !== undefined) failure ??= event.errorDetail?.message ?? event.error;
        onEvent(event);
      },
    );
    signal.addEventListener(
      "abort",
      () => {
        reject(cancelled(signal));
        stream.destroy();
      },
      { once: true },
    );
  });
}

function cancelled(signal: AbortSignal): BuildError {
  const reason = signal.reason instanceof Error ? signal.reason.message : "the push was interrupted";
  return new BuildError("CANCELLED", `build cancelled: ${reason}`, { hint: "push again" });
}

export interface ImageBuildOptions {
  context: Readable;
  dockerfile: string;
  tag: string;
  /** Docker network mode for RUN steps ("host" where the engine has no bridge). */
  network: string | undefined;
  buildArgs: Record<string, string>;
  signal: AbortSignal;
  out: BuildOutput;
}

/** Builds an image with the engine's classic builder, streaming its output to the pusher. */
export async function buildImage(docker: DockerClient, options: ImageBuildOptions): Promise<void> {
  if (options.signal.aborted) throw cancelled(options.signal);
  let stream: Readable;
  try {
    stream = (await docker.buildImage(options.context, {
      t: options.tag,
      dockerfile: options.dockerfile,
      rm: true,
      forcerm: true,
      buildargs: options.buildArgs,
      abortSignal: options.signal,
      ...(options.network === undefined ? {} : { networkmode: options.network }),
    })) as Readable;
  } catch (cause) {
    if (options.signal.aborted) throw cancelled(options.signal);
    throw new BuildError("BUILD_FAILED", `the Docker engine refused the build: ${(cause as Error).message}`, {
      cause,
      hint: "check that the engine is running (DOCKER_HOST) and push again",
    });
  }
  const failure = await follow(
    docker,
    stream,
    (event) => {
      if (event.stream !== undefined) options.out.write(event.stream);
      else if (event.status !== undefined && event.progress === undefined) options.out.write(`${event.status}\n`);
    },
    options.signal,
  );
  if (options.signal.aborted) throw cancelled(options.signal);
  if (failure !== undefined) {
    throw new BuildError("BUILD_FAILED", `the build failed: ${failure.trim()}`, { hint: "fix the step above, commit, and push again" });
  }
}

/** Tags a local image as `<registry>/<app>:<tag>` and pushes it, streaming progress. */
export async function pushImage(
  docker: DockerClient,
  local: string,
  remote: { repo: string; tag: string },
  signal: AbortSignal,
  out: BuildOutput,
): Promise<void> {
  const image = docker.getImage(local);
  let stream: Readable;
  try {
    await image.tag({ repo: remote.repo, tag: remote.tag });
    stream = (await docker.getImage(`${remote.repo}:${remote.tag}`).push({
      abortSignal: signal,
      // The engine wants an X-Registry-Auth header even for a registry without authentication.
      authconfig: { serveraddress: remote.repo.split("/")[0] ?? remote.repo },
    })) as Readable;
  } catch (cause) {
    throw new BuildError("PUSH_FAILED", `cannot push ${remote.repo}:${remote.tag}: ${(cause as Error).message}`, {
      cause,
      hint: "check that the registry (BERTH_REGISTRY) is up and reachable from the Docker engine",
    });
  }
  const seen = new Set<string>();
  const failure = await follow(
    docker,
    stream,
    (event) => {
      // One line per layer and state, not every progress tick.
      const key = `${event.id ?? ""} ${event.status ?? ""}`;
      if (event.status !== undefined && event.progress === undefined && !seen.has(key)) {
        seen.add(key);
        out.line(event.id === undefined ? event.status : `${event.id}: ${event.status}`);
      }
    },
    signal,
  );
  if (failure !== undefined) {
    throw new BuildError("PUSH_FAILED", `pushing ${remote.repo}:${remote.tag} failed: ${failure.trim()}`, {
      hint: "check that the registry (BERTH_REGISTRY) is up and reachable from the Docker engine",
    });
  }
}

/** The Node.js version a stack image ships (its NODE_VERSION), or undefined when it does not say. */
export async function stackNodeVersion(docker: DockerClient, image: string): Promise<string | undefined> {
  let info: Awaited<ReturnType<Docker.Image["inspect"]>>;
  try {
    info = await docker.getImage(image).inspect();
  } catch (cause) {
    throw new BuildError("BUILD_FAILED", `the stack image ${image} is not in the Docker engine`, {
      cause,
      hint: "make it with scripts/stack-image, or set BERTH_STACK_IMAGE to an image the engine has",
    });
  }
  const entry = (info.Config?.Env ?? []).find((e) => e.startsWith("NODE_VERSION="));
  return entry?.slice("NODE_VERSION=".length).replace(/^v/, "");
}
