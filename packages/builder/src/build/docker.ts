import type { Readable } from "node:stream";
import { readLines } from "@berth/api";
import type Docker from "dockerode";
import { BuildError } from "../errors.ts";
import type { BuildOutput } from "./output.ts";

/** The part of dockerode the builder uses. */
export type DockerClient = Pick<Docker, "buildImage" | "getImage" | "pull">;

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
 * Follows the engine's JSON-lines progress stream, handing on each event, and resolves with the first
 * error the engine reported (undefined when there was none). A line that is not JSON is passed on as
 * output, never thrown from a stream handler (dockerode's `followProgress` does that, which would end
 * the whole process, and takes a stream closed without an end for a finished one).
 */
async function follow(stream: Readable, onEvent: (event: ProgressEvent) => void, signal: AbortSignal): Promise<string | undefined> {
  let failure: string | undefined;
  const stop = () => stream.destroy();
  signal.addEventListener("abort", stop, { once: true });
  try {
    for await (const line of readLines(stream)) {
      if (line.trim() === "") continue;
      const event = parseEvent(line);
      if (event.error !== undefined) failure ??= event.errorDetail?.message ?? event.error;
      onEvent(event);
    }
  } catch (error) {
    if (signal.aborted) throw cancelled(signal);
    // A stream destroyed before its end: the engine (or the connection to it) went away mid-build.
    if ((error as NodeJS.ErrnoException).code === "ERR_STREAM_PREMATURE_CLOSE")
      throw new Error("the Docker engine closed the build stream");
    throw error;
  } finally {
    signal.removeEventListener("abort", stop);
  }
  if (signal.aborted) throw cancelled(signal);
  return failure;
}

function parseEvent(line: string): ProgressEvent {
  try {
    const event: unknown = JSON.parse(line);
    if (typeof event === "object" && event !== null && !Array.isArray(event)) return event as ProgressEvent;
  } catch {
    // Not JSON: shown as the engine sent it.
  }
  return { stream: `${line}\n` };
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
  const failure = await follow(stream, layerProgress(out), signal);
  if (failure !== undefined) {
    throw new BuildError("PUSH_FAILED", `pushing ${remote.repo}:${remote.tag} failed: ${failure.trim()}`, {
      hint: "check that the registry (BERTH_REGISTRY) is up and reachable from the Docker engine",
    });
  }
}

/** A push's or pull's progress: one line per layer and state, not every progress tick. */
function layerProgress(out: BuildOutput): (event: ProgressEvent) => void {
  const seen = new Set<string>();
  return (event) => {
    const key = `${event.id ?? ""} ${event.status ?? ""}`;
    if (event.status !== undefined && event.progress === undefined && !seen.has(key)) {
      seen.add(key);
      out.line(event.id === undefined ? event.status : `${event.id}: ${event.status}`);
    }
  };
}

const stackHint = "make it with scripts/stack-image, or set BERTH_STACK_IMAGE to an image the engine has or can pull";

/**
 * Pulls the stack image into an engine that lacks it (a builder's own dockerd starts empty; the
 * chart names the stack image in the platform's registry).
 */
async function pullStack(docker: DockerClient, image: string, signal: AbortSignal, out: BuildOutput): Promise<void> {
  out.line(`Pulling the stack image ${image}`);
  let failure: string | undefined;
  try {
    const stream = (await docker.pull(image, { abortSignal: signal })) as Readable;
    failure = await follow(stream, layerProgress(out), signal);
  } catch (cause) {
    if (signal.aborted) throw cancelled(signal);
    failure = (cause as Error).message;
  }
  if (failure !== undefined) {
    throw new BuildError("BUILD_FAILED", `the stack image ${image} is not in the Docker engine, and pulling it failed: ${failure.trim()}`, {
      hint: stackHint,
    });
  }
}

/**
 * The Node.js version a stack image ships (its NODE_VERSION), or undefined when it does not say;
 * pulls the image first when the engine does not have it.
 */
export async function stackNodeVersion(docker: DockerClient, image: string, signal: AbortSignal, out: BuildOutput): Promise<string | undefined> {
  let info: Awaited<ReturnType<Docker.Image["inspect"]>>;
  try {
    info = await docker.getImage(image).inspect();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) {
      throw new BuildError("BUILD_FAILED", `cannot read the stack image ${image}: ${(error as Error).message}`, { cause: error, hint: stackHint });
    }
    await pullStack(docker, image, signal, out);
    info = await docker.getImage(image).inspect();
  }
  const entry = (info.Config?.Env ?? []).find((e) => e.startsWith("NODE_VERSION="));
  return entry?.slice("NODE_VERSION=".length).replace(/^v/, "");
}
