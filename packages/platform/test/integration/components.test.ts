import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ControllerClient } from "@berth/api";
import test, { type ExecutionContext } from "ava";
import { nodeApp } from "../helpers/apps.ts";
import { commitTree, push } from "../helpers/git.ts";
import { get } from "../helpers/http.ts";
import { ensureStackImage, testDockerHost } from "../helpers/platform.ts";

const packages = join(import.meta.dirname, "../../..");

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** One component's main.ts as its own process, as a container runs it; killed after the test. */
function component(t: ExecutionContext, name: "controller" | "builder" | "router", env: Record<string, string>): { output: () => string; child: ChildProcess } {
  const child = spawn(process.execPath, [join(packages, name, "src/main.ts")], {
    env: { PATH: process.env.PATH ?? "", HOME: env.BERTH_DATA_DIR ?? "/nonexistent", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  t.teardown(() => {
    child.kill("SIGKILL");
  });
  return { output: () => output, child };
}

async function answers(url: string, what: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer: ${what()}`);
}

test("the stand-alone controller, builder and router, as the Helm chart runs them: register, push and serve through the router alone", async (t) => {
  const dockerHost = testDockerHost();
  await ensureStackImage(dockerHost);
  const dir = await mkdtemp(join(tmpdir(), "bc-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const [controllerPort, builderPort, routerPort, adminPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const keys = { BERTH_BUILDER_KEY: "builder-key", BERTH_ROUTER_KEY: "router-key" };
  const controllerUrl = `http://127.0.0.1:${controllerPort}`;
  const controller = component(t, "controller", {
    ...keys,
    BERTH_HOST: "127.0.0.1",
    BERTH_PORT: String(controllerPort),
    BERTH_PUBLIC_PORT: String(routerPort),
    BERTH_DATA_DIR: join(dir, "controller"),
    DOCKER_HOST: dockerHost,
    BERTH_DOCKER_NETWORK: "host",
    BERTH_DEPLOY_WATCH: "2",
  });
  const builder = component(t, "builder", {
    BERTH_BUILDER_KEY: keys.BERTH_BUILDER_KEY,
    BERTH_BUILDER_HOST: "127.0.0.1",
    BERTH_BUILDER_PORT: String(builderPort),
    BERTH_CONTROLLER_URL: controllerUrl,
    BERTH_DATA_DIR: join(dir, "builder"),
    DOCKER_HOST: dockerHost,
  });
  const router = component(t, "router", {
    BERTH_ROUTER_KEY: keys.BERTH_ROUTER_KEY,
    BERTH_ROUTER_HOST: "127.0.0.1",
    BERTH_ROUTER_PORT: String(routerPort),
    BERTH_ROUTER_ADMIN_PORT: String(adminPort),
    BERTH_CONTROLLER_URL: controllerUrl,
    BERTH_BUILDER_URL: `http://127.0.0.1:${builderPort}`,
    BERTH_DATA_DIR: join(dir, "router"),
  });
  await answers(`${controllerUrl}/readyz`, controller.output);
  // The probes the chart gives each pod: the builder's engine answers, the router has a route table.
  await answers(`http://127.0.0.1:${builderPort}/readyz`, builder.output);
  await answers(`http://127.0.0.1:${adminPort}/readyz`, router.output);

  // Everything below goes through the router, at berth.localhost as a user's CLI and git reach it.
  const platform = `http://berth.localhost:${routerPort}`;
  const anonymous = new ControllerClient({ url: platform });
  const registered = await anonymous.auth.register({ username: "alice", password: "alice-password" });
  const alice = anonymous.withToken(registered.token ?? "");
  const app = await alice.apps.create("split");
  t.is(app.url, `http://split.localhost:${routerPort}`, "the app's URL is the router's");

  const tree = await mkdtemp(join(tmpdir(), "berth-app-"));
  t.teardown(() => rm(tree, { recursive: true, force: true }));
  await commitTree(tree, nodeApp(), "first");
  const pushed = await push(tree, `http://alice:${registered.token}@berth.localhost:${routerPort}/split.git`);
  t.true(pushed.ok, `${pushed.output}\n--- builder:\n${builder.output()}`);
  t.regex(pushed.output, /released v2/);

  let reply = { status: 0, body: "" };
  for (let i = 0; i < 100 && reply.status !== 200; i++) {
    reply = await get(routerPort, "split.localhost").catch(() => ({ status: 0, body: "" }));
    if (reply.status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  t.is(reply.status, 200, router.output());
  t.regex(reply.body, /v2/);
  await alice.apps.destroy("split");
});
