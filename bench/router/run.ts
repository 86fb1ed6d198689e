import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { createServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { cpuSeconds, onlyChild } from "./cpu.ts";
import { proxyConf, startNginx, upstreamConf } from "./nginx.ts";
import { type WrkResult, wrk } from "./wrk.ts";

/**
 * Router benchmark: the same upstream (nginx returning a small body) behind (a) nginx as a keep-alive
 * reverse proxy and (b) the Berth router, one worker each, loaded by wrk with keep-alive connections.
 * Prints req/s, p50, p99 and the router/nginx ratios. Loopback only; everything it starts is stopped
 * and its temp directory removed.
 *   node bench/router/run.ts [--seconds 6] [--connections 32] [--rounds 5] [--access-log on|off]
 * Short alternating rounds and medians, plus the load average, because a shared machine's load moves.
 */
const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "6" },
    warmup: { type: "string", default: "2" },
    connections: { type: "string", default: "32" },
    threads: { type: "string", default: "1" },
    rounds: { type: "string", default: "5" },
    "access-log": { type: "string", default: "on" },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const threads = Number(values.threads);
const rounds = Number(values.rounds);
const accessLog = values["access-log"] === "on";
const HOST = "bench.localhost";
const BODY = "hello from the upstream\n";

const children: ChildProcess[] = [];
const root = await mkdtemp(join(tmpdir(), "berth-bench-router-"));
const cleanup = async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((resolve) => c.once("exit", resolve)) : undefined)));
  await rm(root, { recursive: true, force: true });
};
process.on("SIGINT", () => void cleanup().then(() => process.exit(130)));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** GET / with the bench Host until it answers the upstream's body (or 10 s pass). */
async function waitUntilServing(port: number, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const body = await new Promise<string | undefined>((resolve) => {
      const req = request({ host: "127.0.0.1", port, headers: { host: HOST }, agent: false }, (res) => {
        let text = "";
        res.on("data", (c: Buffer) => {
          text += c.toString();
        });
        res.on("end", () => resolve(res.statusCode === 200 ? text : `status ${res.statusCode}: ${text}`));
      });
      req.on("error", () => resolve(undefined));
      req.end();
    });
    if (body === BODY) return;
    if (Date.now() > deadline) throw new Error(`${what} on port ${port} does not serve the upstream's body (got ${body ?? "no answer"})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function startBerthRouter(upstream: string): Promise<number> {
  const script = join(import.meta.dirname, "router-server.ts");
  const child = spawn(process.execPath, [script, upstream, accessLog ? join(root, "router-access.log") : "off"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout?.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once("exit", (code) => reject(new Error(`the Berth router exited ${code} before listening`)));
  });
}

const fmt = (r: WrkResult & { cpuUs: number }) =>
  `${r.requestsPerSecond.toFixed(0).padStart(8)} req/s   p50 ${r.p50Ms.toFixed(2).padStart(6)} ms   p99 ${r.p99Ms.toFixed(2).padStart(6)} ms   ` +
  `CPU ${r.cpuUs.toFixed(1).padStart(5)} µs/req${r.errors > 0 ? `   ERRORS ${r.errors}` : ""}`;

try {
  const upstreamPort = await freePort();
  const nginxPort = await freePort();
  for (const dir of ["upstream", "proxy"]) await mkdir(join(root, dir));
  children.push(await startNginx(join(root, "upstream"), "upstream", upstreamConf(join(root, "upstream"), upstreamPort, BODY)));
  const upstream = `127.0.0.1:${upstreamPort}`;
  const nginxProxy = await startNginx(join(root, "proxy"), "proxy", proxyConf(join(root, "proxy"), nginxPort, upstream, accessLog));
  children.push(nginxProxy);
  const routerPort = await startBerthRouter(upstream);
  await waitUntilServing(nginxPort, "nginx");
  await waitUntilServing(routerPort, "the Berth router");
  // CPU per request is measured on the proxy process itself: steadier than req/s on a shared machine.
  const pids = { nginx: await onlyChild(nginxProxy.pid!), berth: children.at(-1)!.pid! };

  const options = { connections, threads, seconds };
  process.stdout.write(
    `wrk -t${threads} -c${connections} -d${seconds}s keep-alive, ${rounds} round(s), access logs ${accessLog ? "on" : "off"}, ` +
      `body ${BODY.length} bytes, load average ${loadavg()[0]!.toFixed(1)}\n`,
  );
  const results: Record<"nginx" | "berth", (WrkResult & { cpuUs: number })[]> = { nginx: [], berth: [] };
  for (let round = 1; round <= rounds; round++) {
    for (const [name, port] of [
      ["nginx", nginxPort],
      ["berth", routerPort],
    ] as const) {
      await wrk(`http://127.0.0.1:${port}/`, HOST, { ...options, seconds: Number(values.warmup) });
      const before = await cpuSeconds(pids[name]);
      const measured = await wrk(`http://127.0.0.1:${port}/`, HOST, options);
      const after = await cpuSeconds(pids[name]);
      const cpuUs = ((after.user + after.system - before.user - before.system) * 1e6) / Math.max(1, measured.requests);
      const result = { ...measured, cpuUs };
      results[name].push(result);
      process.stdout.write(`round ${round}  ${name.padEnd(6)} ${fmt(result)}\n`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const summary = (rs: (WrkResult & { cpuUs: number })[]) => ({
    rps: median(rs.map((r) => r.requestsPerSecond)),
    p99: median(rs.map((r) => r.p99Ms)),
    cpu: median(rs.map((r) => r.cpuUs)),
  });
  const nginx = summary(results.nginx);
  const berth = summary(results.berth);
  const throughput = berth.rps / nginx.rps;
  const tail = berth.p99 / nginx.p99;
  const cpuRatio = nginx.cpu / berth.cpu;
  // On a loaded machine both proxies are starved and req/s converge; CPU per request still shows
  // what each costs, so the goal counts as met only when that ratio agrees.
  const met = throughput >= 0.7 && tail <= 2 && cpuRatio >= 0.7;
  process.stdout.write(
    `\nmedian   nginx ${nginx.rps.toFixed(0)} req/s p99 ${nginx.p99.toFixed(2)} ms   berth ${berth.rps.toFixed(0)} req/s p99 ${berth.p99.toFixed(2)} ms\n` +
      `ratio    throughput ${throughput.toFixed(2)}× nginx (goal ≥ 0.70)   p99 ${tail.toFixed(2)}× nginx (goal ≤ 2.00)\n` +
      `cpu      nginx ${nginx.cpu.toFixed(1)} µs/req   berth ${berth.cpu.toFixed(1)} µs/req   ` +
      `→ ${cpuRatio.toFixed(2)}× nginx's throughput on an otherwise idle core\n` +
      `load     ${loadavg()[0]!.toFixed(1)} at the end (a busy machine makes req/s noisy; CPU per request less so)\n` +
      `verdict  ${met ? "GOAL MET" : `goal not met${throughput >= 0.7 && tail <= 2 ? " (req/s ratios pass under this load, CPU per request does not)" : ""}`}\n`,
  );
} finally {
  await cleanup();
}
