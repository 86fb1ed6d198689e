import type { Watch } from "@kubernetes/client-node";
import { BerthError } from "../../errors.ts";
import { kubeError } from "./errors.ts";

/** The part of client-node's `Watch` used to see a namespace go. */
export type NamespaceWatcher = Pick<Watch, "watch">;

export interface NamespaceGone {
  done: Promise<void>;
  stop: () => void;
}

/**
 * Watches one namespace (field selector on its name) until a DELETED event, which comes once every
 * object in it is gone. Start it before deleting, so the event cannot be missed; when the server ends
 * the watch early, `exists` is asked and the watch started again while the namespace is there.
 */
export function waitNamespaceGone(
  watcher: NamespaceWatcher,
  name: string,
  exists: () => Promise<boolean>,
  timeoutMs: number,
): NamespaceGone {
  let abort: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  let settled = false;
  const stop = () => {
    settled = true;
    clearTimeout(timer);
    abort?.abort();
  };
  const done = new Promise<void>((resolve, reject) => {
    const finish = (error?: unknown) => {
      if (settled) return;
      stop();
      if (error === undefined) resolve();
      else reject(error);
    };
    timer = setTimeout(
      () =>
        finish(
          new BerthError("UNAVAILABLE", `namespace ${name} is still terminating after ${Math.round(timeoutMs / 1000)}s`, {
            hint: `see \`kubectl get all -n ${name}\` for what is left (a finalizer may hold it), then destroy the app again`,
          }),
        ),
      timeoutMs,
    );
    const start = () => {
      watcher
        .watch(
          "/api/v1/namespaces",
          { fieldSelector: `metadata.name=${name}` },
          (phase) => {
            if (phase === "DELETED") finish();
          },
          (error: unknown) => {
            if (settled) return;
            if (error !== null && error !== undefined) return finish(kubeError(`watch namespace ${name}`, error));
            exists().then((there) => (there ? start() : finish()), finish);
          },
        )
        .then(
          (controller) => {
            abort = controller;
            if (settled) controller.abort();
          },
          (error: unknown) => finish(kubeError(`watch namespace ${name}`, error)),
        );
    };
    start();
  });
  return { done, stop };
}
