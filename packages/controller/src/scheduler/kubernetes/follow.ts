import { Writable } from "node:stream";
import type { Log } from "@kubernetes/client-node";
import type { Instance, LogLine } from "../types.ts";
import { kubeError } from "./errors.ts";
import { parseLogLines } from "./logs.ts";

/** The part of client-node's `Log` used to follow pod logs. */
export type PodLogFollower = Pick<Log, "log">;

/** A stream that turns a pod's timestamped log into lines as whole lines arrive. */
function lineSink(instance: Instance, onLine: (line: LogLine) => void): Writable {
  let partial = "";
  const tag = `${instance.type}.${instance.index}`;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const text = partial + chunk.toString("utf8");
      const end = text.lastIndexOf("\n");
      partial = end < 0 ? text : text.slice(end + 1);
      if (end >= 0) for (const l of parseLogLines(text.slice(0, end))) onLine({ instance: instance.name, tag, ...l });
      done();
    },
  });
  // client-node pipes the response into the sink; aborting it errors that response stream, which
  // nothing else listens to (an uncaught AbortError otherwise).
  sink.on("pipe", (source) => source.on("error", () => sink.end()));
  return sink;
}

/**
 * Follows the logs of `instances` (the API's `follow=true`), calling `onLine` per line, until `signal`
 * aborts; resolves then. Pods that start later are not followed.
 */
export async function followPodLogs(
  follower: PodLogFollower,
  namespace: string,
  instances: Instance[],
  onLine: (line: LogLine) => void,
  signal: AbortSignal,
  tail: number,
): Promise<void> {
  const controllers = await Promise.all(
    instances.map(async (instance) => {
      try {
        return await follower.log(namespace, instance.name, instance.type, lineSink(instance, onLine), {
          follow: true,
          timestamps: true,
          tailLines: tail,
        });
      } catch (error) {
        throw kubeError(`follow the log of pod ${instance.name}`, error);
      }
    }),
  );
  if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
  for (const controller of controllers) controller.abort();
}
