import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface WrkResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx/3xx responses plus socket errors: a proxy that fails fast must not look fast. */
  errors: number;
  requests: number;
}

const unitMs: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function latency(text: string, percentile: string): number {
  const match = new RegExp(`^\\s+${percentile}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, "m").exec(text);
  if (match === null) throw new Error(`wrk printed no ${percentile}% latency:\n${text}`);
  return Number(match[1]) * unitMs[match[2]!]!;
}

/** Runs wrk (keep-alive, fixed connections) against `url` with a Host header; parses its report. */
export async function wrk(
  url: string,
  host: string,
  options: { connections: number; threads: number; seconds: number },
): Promise<WrkResult> {
  const args = [
    "-t",
    String(options.threads),
    "-c",
    String(options.connections),
    "-d",
    `${options.seconds}s`,
    "--latency",
    "-H",
    `Host: ${host}`,
    url,
  ];
  const { stdout } = await run("wrk", args, { timeout: (options.seconds + 30) * 1000 });
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(stdout);
  if (rps === null) throw new Error(`wrk printed no Requests/sec:\n${stdout}`);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const socketErrors = socket === null ? 0 : socket.slice(1).reduce((sum, n) => sum + Number(n), 0);
  return {
    requestsPerSecond: Number(rps[1]),
    p50Ms: latency(stdout, "50"),
    p99Ms: latency(stdout, "99"),
    requests: Number(/(\d+) requests in/.exec(stdout)?.[1] ?? 0),
    errors: (non2xx === null ? 0 : Number(non2xx[1])) + socketErrors,
  };
}
