import type { V1Pod } from "@kubernetes/client-node";
import { watchBackoff, watchFailed } from "../watch-backoff.ts";
import type { NamespaceWatcher } from "./namespace-gone.ts";

export interface PodWatchOptions {
  labelSelector?: string;
  /** Start after a list's resourceVersion: only later changes come. Else every pod first comes as ADDED. */
  resourceVersion?: string;
  /** Called before a watch that starts over without a resourceVersion: its ADDED events list every pod again. */
  onRelist?: () => void;
}

/**
 * Watches the pods of a namespace (of every namespace when undefined) and calls `onEvent` on every
 * change until `signal` aborts. A watch that ends (the server's timeout, client-node's inactivity
 * timeout) resumes from the last resourceVersion seen, so nothing is missed; one that cannot connect
 * is tried again with back-off; an expired resourceVersion (410 Gone) starts over.
 */
export function watchPods(
  watcher: NamespaceWatcher,
  namespace: string | undefined,
  onEvent: (phase: string, pod: V1Pod) => void,
  signal: AbortSignal,
  options: PodWatchOptions = {},
): void {
  const path = namespace === undefined ? "/api/v1/pods" : `/api/v1/namespaces/${namespace}/pods`;
  let version = options.resourceVersion;
  let failures = 0;
  let current: AbortController | undefined;
  let pause: NodeJS.Timeout | undefined;
  signal.addEventListener(
    "abort",
    () => {
      clearTimeout(pause);
      current?.abort();
    },
    { once: true },
  );
  const start = () => {
    if (signal.aborted) return;
    if (version === undefined) options.onRelist?.();
    const began = Date.now();
    let connected = false;
    let heard = false;
    const query = {
      allowWatchBookmarks: true,
      ...(options.labelSelector === undefined ? {} : { labelSelector: options.labelSelector }),
      ...(version === undefined ? {} : { resourceVersion: version }),
    };
    // client-node calls `done` before `watch` resolves when it could not connect, after it otherwise.
    const done = () => {
      current = undefined;
      if (signal.aborted) return;
      const failed = watchFailed(connected, heard, began);
      failures = failed ? failures + 1 : 0;
      pause = setTimeout(start, failed ? watchBackoff(failures) : 100).unref();
    };
    const onWatchEvent = (phase: string, object: V1Pod & { code?: number }) => {
      if (phase === "ERROR") {
        // Expired: start over at once, listing every pod again.
        if (object.code === 410) {
          version = undefined;
          heard = true;
        }
        return;
      }
      heard = true;
      version = object.metadata?.resourceVersion ?? version;
      if (phase !== "BOOKMARK") onEvent(phase, object);
    };
    watcher.watch(path, query, onWatchEvent, done).then((controller) => {
      connected = true;
      current = controller;
      if (signal.aborted) controller.abort();
    }, done);
  };
  start();
}

/** Whether a pod's containers have exited or restarted: what crash reports look at. */
export function podRestarted(pod: V1Pod): boolean {
  return (pod.status?.containerStatuses ?? []).some(
    (s) => s.restartCount > 0 || s.state?.terminated !== undefined || s.lastState?.terminated !== undefined,
  );
}
