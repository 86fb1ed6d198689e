import type { NamespaceWatcher } from "./namespace-gone.ts";

/**
 * Watches the pods of a namespace and calls `onChange` on every event until `signal` aborts. A
 * watch the server ends, or that fails, is started again after a short pause; callers look at the
 * pods themselves on each call (and on a fallback interval), so a gap costs time, not correctness.
 */
export function watchPods(watcher: NamespaceWatcher, namespace: string, onChange: () => void, signal: AbortSignal): void {
  const restart = () => {
    if (!signal.aborted) setTimeout(start, 1000).unref();
  };
  const start = () => {
    if (signal.aborted) return;
    watcher.watch(`/api/v1/namespaces/${namespace}/pods`, {}, () => onChange(), restart).then(
      (controller) => {
        if (signal.aborted) controller.abort();
        else signal.addEventListener("abort", () => controller.abort(), { once: true });
      },
      restart,
    );
  };
  start();
}
