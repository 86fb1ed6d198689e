import { request } from "node:http";
import { connect } from "node:net";
import type { ReadinessCheck } from "../types.ts";

/** One readiness check of an instance at `host:port`: true when it passes within `timeout`. */
export function probe(host: string, port: number, check: ReadinessCheck): Promise<boolean> {
  const ms = check.timeout * 1000;
  if (check.mode === "running") return Promise.resolve(true);
  return new Promise((resolve) => {
    if (check.mode === "tcp") {
      const socket = connect({ host, port, timeout: ms });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("timeout", () => {
        socket.destroy();
        resolve(false);
      });
      socket.once("error", () => resolve(false));
      return;
    }
    const req = request(
      { host, port, path: check.path ?? "/", method: "GET", timeout: ms, headers: { "user-agent": "berth-healthcheck" } },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        resolve(status >= 200 && status < 400);
      },
    );
    req.once("timeout", () => req.destroy());
    req.once("error", () => resolve(false));
    req.end();
  });
}
