import type Docker from "dockerode";
import { LogFollows, type OpenLog } from "../log-follows.ts";
import type { LogLine } from "../types.ts";
import { engineError, statusOf } from "./errors.ts";
import { watchContainerEvents } from "./engine-events.ts";
import { LABEL, labelFilter } from "./labels.ts";
import { LogReader } from "./logs.ts";

export type FollowClient = Pick<Docker, "listContainers" | "getContainer" | "getEvents">;

export interface FollowContainerOptions {
  /** Lines to start from, per container running at first. */
  tail: number;
  /** Only these containers (names). */
  instances?: string[] | undefined;
}

/** `2026-01-02T03:04:05.123456789Z` as the engine's `since`: Unix seconds with nanoseconds. */
export function unixTime(iso: string): string {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(iso);
  if (match === null) return String(Math.floor(Date.parse(iso) / 1000));
  return `${Math.floor(Date.parse(`${match[1]}${match[3]}`) / 1000)}.${(match[2] ?? "").padEnd(9, "0").slice(0, 9)}`;
}

/**
 * Where a container's followed log starts: `after` a line already delivered; else its last `tail`
 * lines; else ("start") its current run, which began after the previous run finished (a restarted
 * container keeps the output of its earlier runs).
 */
async function logStart(container: Docker.Container, from: number | "start", after: string | undefined) {
  if (after !== undefined) return { since: unixTime(after) };
  if (from !== "start") return { tail: from };
  const info = await container.inspect();
  const finished = info.State.FinishedAt;
  return finished === "" || finished.startsWith("0001-") ? {} : { since: unixTime(finished) };
}

function openContainerLog(docker: FollowClient, id: string, name: string, from: number | "start"): OpenLog {
  return async (sink, signal, after) => {
    const container = docker.getContainer(id);
    let stream: NodeJS.ReadableStream;
    try {
      const start = await logStart(container, from, after);
      stream = await container.logs({ follow: true, stdout: true, stderr: true, timestamps: true, abortSignal: signal, ...start });
    } catch (cause) {
      // Gone meanwhile, or stopped following: nothing more of it to read.
      if (signal.aborted || statusOf(cause) === 404) return;
      throw engineError(`follow the logs of ${name}`, cause);
    }
    const reader = new LogReader();
    stream.on("data", (chunk: Buffer) => {
      for (const l of reader.push(chunk)) sink(l.time, l.line);
    });
    // The engine ends the stream when the container stops; an abort ends it with an AbortError.
    await new Promise<void>((resolve) => {
      stream.on("end", resolve);
      stream.on("close", resolve);
      stream.on("error", () => resolve());
    });
    for (const l of reader.end()) sink(l.time, l.line);
  };
}

/**
 * Follows the logs of an app's containers until `signal` aborts, then resolves once every stream
 * has closed: the running ones from their last `tail` lines, and every container that starts later
 * (a new instance, a restart) — seen in the engine's event stream, opened before the list so none is
 * missed — from the start of that run.
 */
export async function followContainerLogs(
  docker: FollowClient,
  app: string,
  onLine: (line: LogLine) => void,
  signal: AbortSignal,
  options: FollowContainerOptions,
): Promise<void> {
  const follows = new LogFollows(onLine, signal);
  const follow = (id: string, name: string, labels: Record<string, string>, from: number | "start") => {
    if (options.instances !== undefined && !options.instances.includes(name)) return;
    const tag = `${labels[LABEL.type]}.${labels[LABEL.index]}`;
    follows.follow({ key: id, instance: name, tag }, openContainerLog(docker, id, name, from));
  };
  const followRunning = async (from: number | "start") => {
    let running: Docker.ContainerInfo[];
    try {
      running = await docker.listContainers({ filters: JSON.stringify({ ...labelFilter(app), status: ["running"] }) });
    } catch (cause) {
      throw engineError(`list the containers of ${app}`, cause);
    }
    for (const c of running) follow(c.Id, c.Names[0]?.slice(1) ?? c.Id, c.Labels, from);
  };
  try {
    await watchContainerEvents(
      docker,
      { event: ["start"], label: [`${LABEL.app}=${app}`] },
      (event) => follow(event.id, event.attributes.name ?? event.id, event.attributes, "start"),
      follows.signal,
      // Containers that started while the stream was down.
      () => void followRunning("start").catch((error: unknown) => follows.fail(error)),
    );
    await followRunning(options.tail);
  } catch (error) {
    follows.fail(error);
  }
  await follows.done();
}
