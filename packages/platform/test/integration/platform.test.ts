import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually } from "@berth/controller/test/cluster";
import test from "ava";
import { commitTree, push } from "../helpers/git.ts";
import { get } from "../helpers/http.ts";
import { settled, startTestPlatform } from "../helpers/platform.ts";

/** A Node app with no dependencies: says its greeting, release and port. */
const app = {
  "package.json": JSON.stringify({ name: "hello", version: "1.0.0", scripts: { start: "node server.js" } }),
  "server.js": `const http = require("node:http");
const server = http.createServer((req, res) => {
  res.end(\`\${process.env.GREETING || "hello"} from \${process.env.BERTH_RELEASE} on \${process.env.PORT}\\n\`);
});
server.keepAliveTimeout = 65000;
server.listen(process.env.PORT);
`,
};

test.serial("a pushed app is served through the router, follows config, scale and rollback, and survives a crashing release", async (t) => {
  const { platform, client, dataDir } = await startTestPlatform(t, {}, { routerMetricsIntervalMs: 200 });
  const port = platform.port;
  // Every request for the app is counted, to hold against what its metrics say.
  let sent = 0;
  const hello = () => {
    sent++;
    return get(port, "hello.localhost");
  };
  const registered = await client.auth.register({ username: "alice", password: "alice-password" });
  const alice = client.withToken(registered.token ?? "");
  await alice.apps.create("hello");
  t.teardown(() => alice.apps.destroy("hello").catch(() => undefined));

  const tree = await mkdtemp(join(tmpdir(), "berth-app-"));
  await commitTree(tree, app, "first");
  const remote = `http://alice:${registered.token}@127.0.0.1:${port}/hello.git`;
  const first = await push(tree, remote);
  t.true(first.ok, first.output);
  t.regex(first.output, /remote: .*Node\.js app detected/);
  t.regex(first.output, /remote: .*released v2 — http:\/\/hello\.localhost/);
  t.is((await alice.releases.get("hello", 2)).state, "deployed");
  t.regex((await hello()).body, /^hello from v2 on \d+\n$/);
  t.is((await get(port, "nope.localhost")).status, 404, "an unknown host is not served");

  await alice.config.set("hello", { values: { GREETING: "howdy" } });
  t.is((await settled(alice, "hello", 3)).state, "deployed");
  t.regex((await hello()).body, /^howdy from v3 on/);

  await alice.scale.set("hello", { web: 3 });
  const ports = new Set<string>();
  for (let i = 0; i < 200 && ports.size < 3; i++) {
    const reply = await hello();
    if (reply.status === 200) ports.add(reply.body.split(" on ")[1] ?? "");
    else await new Promise((r) => setTimeout(r, 100));
  }
  t.is(ports.size, 3, "requests spread over three instances");

  const back = await alice.releases.rollback("hello", 2);
  t.is((await settled(alice, "hello", back.version)).state, "deployed");
  t.regex((await hello()).body, /^hello from v4 on/, "v2's config again: no GREETING");

  await commitTree(tree, { "server.js": 'console.error("boom: missing DATABASE_URL"); process.exit(1);\n' }, "crash");
  const crashing = await push(tree, remote);
  t.false(crashing.ok, "a release that crashes on boot fails the push");
  t.regex(crashing.output, /v5 failed to deploy/);
  t.is((await alice.releases.get("hello", 5)).state, "failed");
  t.regex((await hello()).body, /^hello from v4 on/, "the previous release keeps serving");
  const logs = (await alice.logs.get("hello", { lines: 500 })).map((e) => `${e.source}[${e.tag}]: ${e.line}`);
  t.true(
    logs.some((l) => l.includes("boom: missing DATABASE_URL")),
    "the crash's output is in the app's logs",
  );

  // Every request above went through the router, which reports them to the controller per minute.
  const served = await eventually(async () => {
    const metrics = await alice.metrics("hello", { since: "30m" });
    return metrics.totals.requests >= sent ? metrics : undefined;
  }, "the router's counts in the app's metrics");
  t.is(served.totals.requests, sent, "each request once");
  t.is(served.routers, 1);
  const web = served.processes.find((p) => p.type === "web");
  t.true((web?.crashes ?? 0) > 0, "the crashing release's crashes");
  t.like(web?.memory, { instances: 3, limitBytes: null }, "v4's three instances, measured by the engine, no limit set");
  t.true((web?.memory?.usedBytes ?? 0) > 1024 * 1024, `memory ${web?.memory?.usedBytes} bytes`);
  t.true(served.totals.p50Ms !== null && served.totals.p50Ms < 1000, `p50 ${served.totals.p50Ms} ms`);
  t.true(served.points.some((p) => p.requests > 0));

  t.true(existsSync(join(dataDir, "repos", "hello.git")));
  await alice.apps.destroy("hello");
  t.false(existsSync(join(dataDir, "repos", "hello.git")), "destroying the app removed its repository");
  t.is((await hello()).status, 404, "and its route");
});

test.serial("a load generator sees no error during three consecutive rollouts", async (t) => {
  const { platform, client } = await startTestPlatform(t);
  const port = platform.port;
  const registered = await client.auth.register({ username: "alice", password: "alice-password" });
  const alice = client.withToken(registered.token ?? "");
  await alice.apps.create("steady");
  t.teardown(() => alice.apps.destroy("steady").catch(() => undefined));
  const tree = await mkdtemp(join(tmpdir(), "berth-app-"));
  await commitTree(tree, app, "first");
  const pushed = await push(tree, `http://alice:${registered.token}@127.0.0.1:${port}/steady.git`);
  t.true(pushed.ok, pushed.output);
  await alice.scale.set("steady", { web: 2 });
  await settled(alice, "steady", 2);
  for (let i = 0; i < 100 && (await alice.pods.list("steady")).results.filter((p) => p.ready).length < 2; i++) {
    await new Promise((r) => setTimeout(r, 100));
  }

  // Four clients loop until the rollouts are done (bounded: at most 3 minutes).
  let done = false;
  const seen = { ok: 0, errors: [] as string[], releases: new Set<string>() };
  const client4 = async () => {
    const stopAt = Date.now() + 180_000;
    while (!done && Date.now() < stopAt) {
      try {
        const reply = await get(port, "steady.localhost");
        if (reply.status === 200) {
          seen.ok += 1;
          seen.releases.add(reply.body.split(" ")[2] ?? "");
        } else seen.errors.push(`${reply.status} ${reply.body.slice(0, 80)}`);
      } catch (error) {
        seen.errors.push(String(error));
      }
    }
  };
  const load = Promise.all([client4(), client4(), client4(), client4()]);
  for (const greeting of ["one", "two", "three"]) {
    await alice.config.set("steady", { values: { GREETING: greeting } });
    const { results } = await alice.releases.list("steady", { limit: 1 });
    const release = await settled(alice, "steady", results[0]?.version ?? 0);
    t.is(release.state, "deployed", release.failure ?? "");
  }
  await new Promise((r) => setTimeout(r, 500));
  done = true;
  await load;
  t.deepEqual(seen.errors, [], "no request failed");
  t.true(seen.ok > 100, `enough traffic to mean something (${seen.ok} requests)`);
  t.deepEqual([...seen.releases].sort(), ["v2", "v3", "v4", "v5"], "every release served in turn");
});
