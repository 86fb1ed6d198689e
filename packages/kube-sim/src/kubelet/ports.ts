import { createServer } from "node:net";

/** A port on 127.0.0.1 that is free now, not handed out before by this process. */
export async function freePort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        const address = server.address();
        server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
      });
    });
    if (!taken.has(port)) {
      taken.add(port);
      return port;
    }
  }
}
