import { Agent, request } from "node:http";

export interface Reply {
  status: number;
  body: string;
}

const keepAlive = new Agent({ keepAlive: true, maxSockets: 16 });

/** A GET to the platform's port with the given Host header (fetch cannot set Host). */
export function get(port: number, host: string, path = "/", agent: Agent = keepAlive): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers: { host }, agent }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error("no answer in 10 s")));
    req.on("error", reject);
    req.end();
  });
}
