import { request } from "node:http";
import { connect } from "node:net";
import type { Probe } from "../kinds/shapes.ts";

export interface ProbeResult {
  ok: boolean;
  message: string;
}

export type ExecProbe = (command: string[], timeoutMs: number) => Promise<ProbeResult>;

function tcp(port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    const done = (result: ProbeResult) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done({ ok: false, message: `dial tcp 127.0.0.1:${port}: i/o timeout` }));
    socket.once("connect", () => done({ ok: true, message: "" }));
    socket.once("error", (error: NodeJS.ErrnoException) =>
      done({
        ok: false,
        message: `dial tcp 127.0.0.1:${port}: connect: ${error.code === "ECONNREFUSED" ? "connection refused" : error.message}`,
      }),
    );
  });
}

function http(probe: NonNullable<Probe["httpGet"]>, port: number, timeoutMs: number): Promise<ProbeResult> {
  const path = probe.path ?? "/";
  const url = `http://127.0.0.1:${port}${path}`;
  return new Promise((resolve) => {
    const headers: Record<string, string> = { "User-Agent": "kube-probe/1.35", Accept: "*/*" };
    for (const h of probe.httpHeaders ?? []) headers[h.name] = h.value;
    const req = request({ host: "127.0.0.1", port, path, method: "GET", headers, timeout: timeoutMs }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(code >= 200 && code < 400 ? { ok: true, message: "" } : { ok: false, message: `HTTP probe failed with statuscode: ${code}` });
    });
    req.on("timeout", () => {
      req.destroy();
      resolve({ ok: false, message: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
    });
    req.on("error", (error: NodeJS.ErrnoException) => {
      const why = error.code === "ECONNREFUSED" ? `dial tcp 127.0.0.1:${port}: connect: connection refused` : error.message;
      resolve({ ok: false, message: `Get "${url}": ${why}` });
    });
    req.end();
  });
}

/**
 * Runs one probe for real. Under host networking a container is reachable only on its `PORT`, so
 * every tcpSocket/httpGet port (number or name) is taken to mean that port.
 */
export function runProbe(probe: Probe, port: number, exec: ExecProbe): Promise<ProbeResult> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.tcpSocket) return tcp(port, timeoutMs);
  if (probe.httpGet) return http(probe.httpGet, port, timeoutMs);
  if (probe.exec) return exec(probe.exec.command, timeoutMs);
  return Promise.resolve({ ok: false, message: "the simulator runs tcpSocket, httpGet and exec probes only" });
}
