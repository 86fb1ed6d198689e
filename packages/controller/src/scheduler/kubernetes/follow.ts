import { Writable } from "node:stream";
import { LineSplitter } from "@berth/api";
import type { LogOptions, V1Pod, V1PodList } from "@kubernetes/client-node";
import { type FollowTarget, LogFollows, type OpenLog } from "../log-follows.ts";
import { groupName } from "../names.ts";
import type { GroupRef, LogLine } from "../types.ts";
import { watchPods } from "./changes.ts";
import { apiStatus, kubeError } from "./errors.ts";
import { berthSelector } from "./labels.ts";
import { parseLogLines } from "./logs.ts";
import type { NamespaceWatcher } from "./namespace-gone.ts";
import { isActive, podGroup, podInstances } from "./pods.ts";

/** The part of client-node's `Log` used to follow pod logs. */
export interface PodLogFollower {
  log(namespace: string, pod: string, container: string, stream: Writable, options?: LogOptions): Promise<AbortController>;
}

export interface PodLogSources {
  follower: PodLogFollower;
  /** Sees pods start; without it only the containers running at first are followed. */
  watcher: NamespaceWatcher | undefined;
  namespace: string;
}

export interface FollowPodOptions {
  /** Lines to start from, per container running at first. */
  tail: number;
  /** Only these pods (names). */
  instances?: string[] | undefined;
}

interface PodTarget extends FollowTarget {
  container: string;
}

/** A stream that turns a pod's timestamped log into lines as whole lines arrive. */
function lineSink(sink: (time: string, line: string) => void): Writable {
  const lines = new LineSplitter();
  const writable = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const complete = lines.push(chunk);
      if (complete.length > 0) for (const l of parseLogLines(complete.join("\n"))) sink(l.time, l.line);
      done();
    },
  });
  // client-node pipes the response into the sink; aborting it errors that response stream, which
  // nothing else listens to (an uncaught AbortError otherwise).
  writable.on("pipe", (source) => source.on("error", () => writable.end()));
  return writable;
}

/**
 * The running containers of `pods`, keyed by pod and container ID (a restart is a new container),
 * tagged `web.1` in the order `listGroups` numbers them.
 */
export function runningTargets(pods: Iterable<V1Pod>): PodTarget[] {
  const groups = new Map<string, { ref: GroupRef; pods: V1Pod[] }>();
  for (const pod of pods) {
    const ref = podGroup(pod);
    if (ref === undefined || !isActive(pod)) continue;
    const entry = groups.get(groupName(ref)) ?? { ref, pods: [] };
    entry.pods.push(pod);
    groups.set(groupName(ref), entry);
  }
  const targets: PodTarget[] = [];
  for (const { ref, pods: members } of groups.values()) {
    const byName = new Map(members.map((p) => [p.metadata?.name ?? "", p]));
    for (const instance of podInstances(ref, members)) {
      const status = byName.get(instance.name)?.status?.containerStatuses?.find((s) => s.name === ref.type);
      if (instance.state !== "running" || status === undefined) continue;
      const run = status.containerID ?? `restart-${status.restartCount}`;
      targets.push({ key: `${instance.name}/${run}`, instance: instance.name, tag: `${ref.type}.${instance.index}`, container: ref.type });
    }
  }
  return targets;
}

/** Follows one container's log (`follow=true`) from its last `tail` lines, or from its start. */
function openPodLog(sources: PodLogSources, target: PodTarget, tail: number | undefined): OpenLog {
  return async (sink, signal, after) => {
    const writable = lineSink(sink);
    const ended = new Promise((resolve) => writable.once("close", resolve));
    // client-node leaves tailLines=0 out, which would mean the whole log: one line is the least.
    const from = after !== undefined ? { sinceTime: after } : tail === undefined ? {} : { tailLines: Math.max(1, tail) };
    let controller: AbortController;
    try {
      controller = await sources.follower.log(sources.namespace, target.instance, target.container, writable, {
        follow: true,
        timestamps: true,
        ...from,
      });
    } catch (error) {
      // 400: the container is not running (any more); 404: the pod went. Nothing to follow.
      const status = apiStatus(error);
      if (status === 400 || status === 404) return;
      throw kubeError(`follow the log of pod ${target.instance}`, error);
    }
    const stop = () => controller.abort();
    if (signal.aborted) stop();
    else signal.addEventListener("abort", stop, { once: true });
    try {
      await ended;
    } finally {
      signal.removeEventListener("abort", stop);
    }
  };
}

/**
 * Follows the logs of a namespace's Berth pods until `signal` aborts, then resolves once every
 * stream has closed: the containers running in `listed` from their last `tail` lines, and, seen
 * through a pod watch that starts at the list's resourceVersion, every container that starts
 * later (a new pod, a replacement in a rollout, a restart) from its first line.
 */
export async function followPodLogs(
  sources: PodLogSources,
  listed: V1PodList | undefined,
  onLine: (line: LogLine) => void,
  signal: AbortSignal,
  options: FollowPodOptions,
): Promise<void> {
  const follows = new LogFollows(onLine, signal);
  const pods = new Map<string, V1Pod>();
  for (const pod of listed?.items ?? []) pods.set(pod.metadata?.name ?? "", pod);
  const followRunning = (tail: number | undefined) => {
    for (const target of runningTargets(pods.values())) {
      if (options.instances !== undefined && !options.instances.includes(target.instance)) continue;
      follows.follow(target, openPodLog(sources, target, tail));
    }
  };
  followRunning(options.tail);
  if (sources.watcher !== undefined) {
    const version = listed?.metadata?.resourceVersion;
    watchPods(
      sources.watcher,
      sources.namespace,
      (phase, pod) => {
        const name = pod.metadata?.name ?? "";
        if (phase === "DELETED") pods.delete(name);
        else pods.set(name, pod);
        followRunning(undefined);
      },
      follows.signal,
      { labelSelector: berthSelector(), ...(version ? { resourceVersion: version } : {}), onRelist: () => pods.clear() },
    );
  }
  await follows.done();
}
