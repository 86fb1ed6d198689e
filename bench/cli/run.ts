// Wall time of `berth --version`, `berth help` and `berth apps` (against a local controller) compared
// in the same run with `node -e 0`, the floor of any Node CLI. Goal: `berth apps` within 250 ms of it.
//   node bench/cli/run.ts [runs]      (pnpm bench:cli)
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const berth = join(root, "packages/cli/bin/berth.js");
const runs = Number(process.argv[2] ?? 20);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const dir = await mkdtemp(join(tmpdir(), "berth-bench-cli-"));
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const controller = spawn(process.execPath, [join(root, "packages/controller/src/main.ts")], {
  env: {
    ...process.env,
    BERTH_PORT: String(port),
    BERTH_HOST: "127.0.0.1",
    BERTH_DATA_DIR: join(dir, "data"),
    BERTH_REGISTRATION_MODE: "open",
    BERTH_LOG_LEVEL: "error",
  },
  stdio: "ignore",
});
const env = { ...process.env, HOME: dir, BERTH_PROFILE: join(dir, "client.json"), GIT_CONFIG_NOSYSTEM: "1", NO_COLOR: "1" };

function run(args: string[]): { ms: number; status: number | null; out: string } {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, encoding: "utf8", cwd: dir });
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, status: result.status, out: result.stdout + result.stderr };
}

try {
  for (let i = 0; ; i++) {
    if (
      (await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )) === true
    )
      break;
    if (i > 100) throw new Error("the controller did not start");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (const args of [
    ["register", url, "--username", "bench", "--password", "bench-password"],
    ...["a", "b", "c"].map((n) => ["create", `bench-${n}`, "--no-remote"]),
  ]) {
    const result = run([berth, ...args]);
    if (result.status !== 0) throw new Error(`berth ${args.join(" ")} failed:\n${result.out}`);
  }
  const cases: [string, string[]][] = [
    ["node -e 0", ["-e", "0"]],
    ["berth --version", [berth, "--version"]],
    ["berth help", [berth, "help"]],
    ["berth apps", [berth, "apps"]],
  ];
  for (const [, args] of cases) run(args); // warm the compile cache and the page cache
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  // Round-robin, so that load from elsewhere on the machine weighs on every command alike.
  const samples = new Map<string, number[]>(cases.map(([name]) => [name, []]));
  for (let i = 0; i < runs; i++) {
    for (const [name, args] of cases) {
      const result = run(args);
      if (result.status !== 0) throw new Error(`${name} failed:\n${result.out}`);
      samples.get(name)?.push(result.ms);
    }
  }
  const times = new Map([...samples].map(([name, values]) => [name, median(values)]));
  const floor = times.get("node -e 0") ?? 0;
  console.log(`median of ${runs} runs each, output piped (Node ${process.version})\n`);
  console.log(`${"command".padEnd(18)}${"ms".padStart(8)}${"× floor".padStart(10)}${"+ ms".padStart(9)}`);
  for (const [name, ms] of times) {
    console.log(
      `${name.padEnd(18)}${ms.toFixed(1).padStart(8)}${(ms / floor).toFixed(2).padStart(10)}${(ms - floor).toFixed(1).padStart(9)}`,
    );
  }
  const apps = (times.get("berth apps") ?? 0) - floor;
  console.log(`\nberth apps is ${apps.toFixed(0)} ms above the floor: ${apps <= 250 ? "within" : "OVER"} the 250 ms goal`);
  if (apps > 250) process.exitCode = 1;
} finally {
  controller.kill();
  await rm(dir, { recursive: true, force: true });
}
