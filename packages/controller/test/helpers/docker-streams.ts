import type Docker from "dockerode";
import type { DockerClient } from "../../src/scheduler/docker/scheduler.ts";

/**
 * The real dockerode client, counting the event streams and followed log streams open right now,
 * so a test can show that stopping leaves none behind.
 */
export function countedDocker(docker: Docker) {
  const open = { events: 0, logs: 0, eventsStarted: 0, logsStarted: 0 };
  const counted = (kind: "events" | "logs", stream: NodeJS.ReadableStream) => {
    open[kind]++;
    open[kind === "events" ? "eventsStarted" : "logsStarted"]++;
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      open[kind]--;
    };
    stream.on("close", close);
    stream.on("end", close);
    return stream;
  };
  const client: DockerClient = {
    listContainers: docker.listContainers.bind(docker),
    createContainer: docker.createContainer.bind(docker),
    getImage: docker.getImage.bind(docker),
    pull: docker.pull.bind(docker),
    listImages: docker.listImages.bind(docker),
    getEvents: (async (options?: Docker.GetEventsOptions) =>
      counted("events", await docker.getEvents(options))) as DockerClient["getEvents"],
    getContainer(id) {
      const container = docker.getContainer(id);
      const logs = container.logs.bind(container) as (options: Docker.ContainerLogsOptions) => Promise<NodeJS.ReadableStream | Buffer>;
      const followed = async (options: Docker.ContainerLogsOptions) => {
        const out = await logs(options);
        return options.follow && !Buffer.isBuffer(out) ? counted("logs", out) : out;
      };
      return Object.assign(container, { logs: followed as Docker.Container["logs"] });
    },
  };
  return { client, open };
}
