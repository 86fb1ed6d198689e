import { connect, createServer, type Server, type Socket } from "node:net";

export interface StreamCutter {
  /** `http://127.0.0.1:<port>`: give it to the router as the controller's URL. */
  url: string;
  /** Where connections go: the controller's own URL (set once it is known). */
  target: string;
  /**
   * The next time the controller sends a route table in which an instance is draining, the cutter
   * drops that table, cuts every connection and refuses new ones for `outageMs`: the router keeps
   * its old table and cannot report, exactly when an instance is being taken out of service.
   */
  arm(outageMs: number): void;
  /** When the last cut happened and when the outage after it ended (ms since the epoch). */
  cuts: { at: number; until: number }[];
  close(): Promise<void>;
}

/**
 * A TCP proxy between the router and the controller (real sockets both ways) that can cut the
 * route table stream at the worst moment. It looks for `"draining":["` in what the controller
 * sends; everything else passes untouched.
 */
export async function startStreamCutter(): Promise<StreamCutter> {
  const sockets = new Set<Socket>();
  const cuts: { at: number; until: number }[] = [];
  let armed: number | undefined;
  let downUntil = 0;
  const cut = () => {
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
  const server: Server = createServer((client) => {
    if (Date.now() < downUntil) {
      client.destroy();
      return;
    }
    const { hostname, port } = new URL(cutter.target);
    const upstream = connect(Number(port), hostname);
    sockets.add(client);
    sockets.add(upstream);
    const forget = () => {
      sockets.delete(client);
      sockets.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", forget).on("close", forget);
    upstream.on("error", forget).on("close", forget);
    client.pipe(upstream);
    upstream.on("data", (chunk: Buffer) => {
      if (armed !== undefined && chunk.includes('"draining":["')) {
        const now = Date.now();
        downUntil = now + armed;
        cuts.push({ at: now, until: downUntil });
        armed = undefined;
        cut();
        return;
      }
      client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the cutter has no port");
  const cutter: StreamCutter = {
    url: `http://127.0.0.1:${address.port}`,
    target: "http://127.0.0.1:1",
    arm(outageMs) {
      armed = outageMs;
    },
    cuts,
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return cutter;
}
