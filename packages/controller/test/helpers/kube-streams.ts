import { type KubeConfig, Log, Watch } from "@kubernetes/client-node";
import type { PodLogFollower } from "../../src/scheduler/kubernetes/follow.ts";
import type { NamespaceWatcher } from "../../src/scheduler/kubernetes/namespace-gone.ts";

/**
 * client-node's real `Watch` and `Log` over `kc`, counting the watches and log streams open right
 * now, so a test can show that stopping leaves none behind.
 */
export function countedStreams(kc: KubeConfig) {
  const watch = new Watch(kc);
  const log = new Log(kc);
  const open = { watches: 0, logs: 0, watchesStarted: 0, logsStarted: 0 };
  const closer = (kind: "watches" | "logs") => {
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      open[kind]--;
    };
  };
  const namespaces: NamespaceWatcher = {
    async watch(path, query, callback, done) {
      open.watches++;
      open.watchesStarted++;
      const close = closer("watches");
      try {
        return await watch.watch(path, query, callback, (error) => {
          close();
          done(error);
        });
      } catch (error) {
        close();
        throw error;
      }
    },
  };
  const podLogs: PodLogFollower = {
    async log(namespace, pod, container, stream, options) {
      open.logs++;
      open.logsStarted++;
      const close = closer("logs");
      stream.once("close", close);
      try {
        return await log.log(namespace, pod, container, stream, options);
      } catch (error) {
        close();
        throw error;
      }
    },
  };
  return { open, namespaces, podLogs };
}
