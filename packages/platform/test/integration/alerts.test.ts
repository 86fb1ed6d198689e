import { createHmac, timingSafeEqual } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ControllerClient } from "@berth/api";
import { eventually } from "@berth/controller/test/cluster";
import { silentLogger } from "@berth/controller";
import test from "ava";
import { loadPlatformConfig } from "../../src/config.ts";
import { startPlatform } from "../../src/platform.ts";
import { commitTree, push } from "../helpers/git.ts";
import { get } from "../helpers/http.ts";
import { settled, startTestPlatform, testDockerHost, testNetworks } from "../helpers/platform.ts";

/** An app that answers 500 while FAIL=1 is in its config, 200 otherwise. */
const flakyApp = {
  "package.json": JSON.stringify({ name: "flaky", version: "1.0.0", scripts: { start: "node server.js" } }),
  "server.js": `require("node:http").createServer((req, res) => {
  res.writeHead(process.env.FAIL === "1" ? 500 : 200).end(process.env.BERTH_RELEASE + "\\n");
}).listen(process.env.PORT);
`,
};

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  time: number;
}

/** A real HTTP receiver on loopback; `answer` says what status a request gets, given the ones before it. */
async function receiver(answer: (r: Received, before: readonly Received[]) => number = () => 200) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const r = { headers: req.headers, body, time: Date.now() };
      const status = answer(r, received);
      received.push(r);
      res.writeHead(status).end("thanks");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks?token=t0ps3cret`, received, close: () => server.close() };
}

/** Checks a Standard Webhooks signature the way a receiver would, with nothing but node:crypto. */
function verify(secret: string, r: Received): boolean {
  const id = String(r.headers["webhook-id"]);
  const timestamp = String(r.headers["webhook-timestamp"]);
  const expected = createHmac("sha256", Buffer.from(secret.slice("whsec_".length), "base64"))
    .update(`${id}.${timestamp}.${r.body}`)
    .digest();
  return String(r.headers["webhook-signature"])
    .split(" ")
    .some((s) => {
      const given = Buffer.from(s.replace(/^v1,/, ""), "base64");
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}

const typed = (r: Received) =>
  JSON.parse(r.body) as {
    type: string;
    data: { rule: { kind: string }; figure: string; app: string; release: { version: number } | null; rollbackCommand: string | null };
  };

for (const network of testNetworks) {
  test.serial(
    `${network}: real traffic through the router fires and resolves an errors alert with signed webhooks, across a controller restart; a crash-looping release notifies, and a receiver that is down gets its retries`,
    async (t) => {
      const app = `flaky-${network}`;
      const env = { BERTH_ALERTS_TICK: "1", BERTH_DOCKER_NETWORK: network };
      const first = await startTestPlatform(t, env, { routerMetricsIntervalMs: 300, alertRetryScheduleMs: [300, 300, 300] });
      let port = first.platform.port;
      const registered = await first.client.auth.register({ username: "alice", password: "alice-password" });
      const token = registered.token ?? "";
      let alice = first.client.withToken(token);
      await alice.apps.create(app);

      const hooks = await receiver();
      t.teardown(() => hooks.close());
      const channel = await alice.alerts.channels.add(app, { type: "webhook", url: hooks.url });
      t.regex(channel.secret ?? "", /^whsec_[A-Za-z0-9+/]{43}=$/, "the signing secret, shown once");
      t.is(channel.target, `http://127.0.0.1:${new URL(hooks.url).port}/…`, "the URL's path and token are not shown");
      t.deepEqual(channel.defaultRules.map((r) => r.kind).sort(), ["crashes", "deploy-failed"], "the first channel brings default rules");
      t.false(JSON.stringify(await alice.alerts.channels.list(app)).includes("whsec_"), "and is never shown again");
      const errors = await alice.alerts.add(app, { kind: "errors", threshold: 50, windowSeconds: 60, forSeconds: 0, minRequests: 5 });
      t.is(errors.summary, "5xx share at least 50% over 1 m (at least 5 requests)");

      const tree = await mkdtemp(join(tmpdir(), "berth-alerts-"));
      await commitTree(tree, flakyApp, "first");
      const pushed = await push(tree, `http://alice:${token}@127.0.0.1:${port}/${app}.git`);
      t.true(pushed.ok, pushed.output);

      // Traffic all along, through the router (whichever platform runs).
      let loading = true;
      const load = (async () => {
        while (loading) {
          await get(port, `${app}.localhost`).catch(() => undefined);
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      t.teardown(async () => {
        loading = false;
        await load;
      });

      await alice.config.set(app, { values: { FAIL: "1" } });
      t.is((await settled(alice, app, 3)).state, "deployed");
      const firing = await eventually(async () => hooks.received.find((r) => typed(r).type === "alert.firing"), "a firing webhook", 90_000);
      t.true(verify(channel.secret ?? "", firing), "signed with the channel's secret");
      t.false(verify(`whsec_${Buffer.alloc(32).toString("base64")}`, firing), "and not with another");
      const fired = typed(firing).data;
      t.is(fired.rule.kind, "errors");
      t.is(fired.app, app);
      t.regex(fired.figure, /^5xx \d+(\.\d)?% of \d+ requests over 1 m$/);
      t.is(fired.release?.version, 3, "the live release");
      t.is(fired.rollbackCommand, `berth rollback v2 -a ${app}`);
      t.is((await alice.alerts.get(app, errors.id)).state, "firing");

      // A restart while it fires: the state is in the store, so the next controller does not notify it again.
      await first.platform.close();
      const again = await startPlatform(
        loadPlatformConfig({
          HOME: first.dataDir,
          BERTH_DATA_DIR: first.dataDir,
          BERTH_HOST: "127.0.0.1",
          BERTH_PORT: "0",
          BERTH_ADMIN_PORT: "0",
          DOCKER_HOST: testDockerHost(),
          BERTH_DEPLOY_WATCH: "2",
          ...env,
        }),
        silentLogger,
        { routerMetricsIntervalMs: 300, alertRetryScheduleMs: [300, 300, 300] },
      );
      t.teardown(() => again.close());
      port = again.port;
      alice = new ControllerClient({ url: `http://127.0.0.1:${port}`, token });
      await new Promise((r) => setTimeout(r, 5000));
      t.is((await alice.alerts.get(app, errors.id)).state, "firing", "still firing after the restart");
      t.is(hooks.received.filter((r) => typed(r).type === "alert.firing").length, 1, "and notified once");

      await alice.config.set(app, { values: { FAIL: null } });
      t.is((await settled(alice, app, 4)).state, "deployed");
      const resolved = await eventually(
        async () => hooks.received.find((r) => typed(r).type === "alert.resolved"),
        "a resolved webhook",
        240_000,
      );
      t.true(verify(channel.secret ?? "", resolved));
      t.is(typed(resolved).data.rule.kind, "errors");

      // A receiver that is down at first (503 to the first two tries of each notification), then answers.
      const flaky = await receiver((r, before) =>
        before.filter((b) => b.headers["webhook-id"] === r.headers["webhook-id"]).length < 2 ? 503 : 200,
      );
      t.teardown(() => flaky.close());
      const second = await alice.alerts.channels.add(app, { type: "webhook", url: flaky.url });
      t.deepEqual(second.defaultRules, [], "default rules come with the first channel only");

      // A release that crash-loops: deploy-failed, and crashes (3 in 10 m, a default rule).
      await commitTree(tree, { "server.js": 'console.error("boom"); process.exit(1);\n' }, "crash");
      t.false((await push(tree, `http://alice:${token}@127.0.0.1:${port}/${app}.git`)).ok);
      const failedDeploy = await eventually(
        async () => hooks.received.find((r) => typed(r).type === "alert.event" && typed(r).data.rule.kind === "deploy-failed"),
        "a deploy-failed webhook",
        60_000,
      );
      t.regex(typed(failedDeploy).data.figure, /^v5 failed to deploy/);
      await eventually(
        async () => hooks.received.find((r) => typed(r).type === "alert.firing" && typed(r).data.rule.kind === "crashes"),
        "a crashes webhook",
        60_000,
      );
      const delivered = await eventually(
        async () => {
          const page = await alice.alerts.deliveries(app);
          const mine = page.results.filter((d) => d.channel === second.id);
          return mine.length >= 2 && mine.every((d) => d.status === "delivered") ? mine : undefined;
        },
        "the deliveries to the receiver that was down",
        30_000,
      );
      t.deepEqual(
        delivered.map((d) => [d.attempts, d.lastStatusCode]),
        delivered.map(() => [3, 200]),
        "each delivered at its third try",
      );
      const tries = new Map<string, number>();
      for (const r of flaky.received) tries.set(String(r.headers["webhook-id"]), (tries.get(String(r.headers["webhook-id"])) ?? 0) + 1);
      t.deepEqual(
        [...tries.values()],
        delivered.map(() => 3),
        "the same notification (webhook-id) each time",
      );
      // A push whose build fails: the builder tells the controller, and build-failed notifies.
      await alice.alerts.add(app, { kind: "build-failed" });
      await commitTree(tree, { Dockerfile: "FROM scratch\nRUN exit 3\n" }, "broken build");
      t.false((await push(tree, `http://alice:${token}@127.0.0.1:${port}/${app}.git`)).ok);
      const failedBuild = await eventually(
        async () => hooks.received.find((r) => typed(r).type === "alert.event" && typed(r).data.rule.kind === "build-failed"),
        "a build-failed webhook",
        60_000,
      );
      t.regex(typed(failedBuild).data.figure, /^build of [0-9a-f]{7} pushed by alice failed: /);
      const history = (await alice.alerts.history(app)).results.map((h) => `${h.kind} ${h.change}`);
      t.true(
        history.includes("errors firing") &&
          history.includes("errors resolved") &&
          history.includes("deploy-failed event") &&
          history.includes("build-failed event"),
        history.join(", "),
      );
    },
  );
}
