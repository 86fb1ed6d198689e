import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Dispatcher } from "../src/alerts/dispatcher.ts";
import { AlertEvaluator } from "../src/alerts/evaluator.ts";
import { silentLogger } from "../src/logger.ts";
import { setReleaseState } from "../src/store/releases.ts";
import { eachBackend, rejects } from "./helpers/backend-test.ts";
import { startController } from "./helpers/controller.ts";

const local = { tickMs: 1000, allowPrivate: true };

/** A receiver on loopback answering `status`; it counts what it got. */
async function receiver(t: { teardown(fn: () => void): void }, status = 200) {
  const got: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      got.push(body);
      res.writeHead(status).end(status === 200 ? "ok" : "nope");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.teardown(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got };
}

eachBackend(
  "rules take their kind's defaults, change partially, silence and go; bad input is refused by field and nothing is half-made",
  async (t, backend) => {
    const h = await startController(t, backend, { alerts: local });
    const alice = await h.user("alice");
    await alice.apps.create("shop");
    const rule = await alice.alerts.add("shop", { kind: "errors" });
    t.like(rule, { kind: "errors", threshold: 5, windowSeconds: 300, forSeconds: 60, minRequests: 20, state: "ok", enabled: true });
    t.regex(rule.id, /^r-[0-9a-f]{6}$/);
    t.is(rule.summary, "5xx share at least 5% over 5 m (at least 20 requests), for 1 m");
    const changed = await alice.alerts.update("shop", rule.id, { threshold: 12.5, enabled: false });
    t.like(changed, { threshold: 12.5, windowSeconds: 300, enabled: false });
    const silenced = await alice.alerts.silence("shop", rule.id, 3600);
    t.true(Date.parse(silenced.silencedUntil ?? "") > Date.now() + 3500_000);
    t.is((await alice.alerts.silence("shop", rule.id, 0)).silencedUntil, null, "0 lifts it");
    const bad: [object, string][] = [
      [{ kind: "cpu" }, "kind"],
      [{ kind: "errors", threshold: 150 }, "threshold"],
      [{ kind: "errors", windowSeconds: 0.5 }, "windowSeconds"],
      [{ kind: "errors", windowSeconds: 7200 }, "windowSeconds"],
      [{ kind: "crashes", threshold: 1.5 }, "threshold"],
      [{ kind: "down", threshold: 3 }, "threshold"],
      [{ kind: "deploy-failed", forSeconds: 60 }, "forSeconds"],
      [{ kind: "errors", channels: ["c-nope"] }, "channels"],
      [{ kind: "errors", colour: "red" }, "colour"],
    ];
    for (const [body, field] of bad) {
      const e = await rejects(t, alice.request("POST", "/v2/apps/shop/alerts", body), 400, "VALIDATION_FAILED");
      t.is(e.field, field, JSON.stringify(body));
    }
    const windowTooShort = await rejects(t, alice.alerts.add("shop", { kind: "latency", windowSeconds: 0 }), 400, "VALIDATION_FAILED");
    t.regex(windowTooShort.hint ?? "", /evaluation tick/);
    t.is((await alice.alerts.list("shop")).count, 1, "none of the refused rules was made");
    await alice.alerts.remove("shop", rule.id);
    await rejects(t, alice.alerts.get("shop", rule.id), 404, "NOT_FOUND");
  },
);

eachBackend("a channel's URL is checked, its secret shown once, and the first one brings the default rules", async (t, backend) => {
  const h = await startController(t, backend, { alerts: { tickMs: 1000, allowPrivate: false } });
  const alice = await h.user("alice");
  await alice.apps.create("shop");
  for (const url of [
    "ftp://example.com/x",
    "http://127.0.0.1:9/x",
    "http://10.1.2.3/x",
    "http://169.254.169.254/latest",
    "not a url",
    "http://user:pw@example.com/",
  ]) {
    const e = await rejects(t, alice.alerts.channels.add("shop", { type: "webhook", url }), 400, "VALIDATION_FAILED");
    t.is(e.field, "url", url);
  }
  await rejects(
    t,
    alice.request("POST", "/v2/apps/shop/alerts/channels", { type: "email", url: "https://example.com" }),
    400,
    "VALIDATION_FAILED",
  );
  t.is((await alice.alerts.channels.list("shop")).count, 0);
  t.is((await alice.alerts.list("shop")).count, 0, "no default rules for refused channels");
});

eachBackend(
  "alerts:test sends a real notification and reports the receiver's own answer; only the app's people reach its alerts",
  async (t, backend) => {
    const h = await startController(t, backend, { alerts: local });
    const alice = await h.user("alice");
    const bob = await h.user("bob");
    await alice.apps.create("shop");
    const good = await receiver(t, 200);
    const down = await receiver(t, 503);
    const a = await alice.alerts.channels.add("shop", { type: "webhook", url: `${good.url}?token=abc` });
    t.regex(a.secret ?? "", /^whsec_/);
    t.deepEqual(
      a.defaultRules.map((r) => r.kind),
      ["deploy-failed", "crashes"],
    );
    t.false(a.target.includes("token"), "the target hides the query");
    const b = await alice.alerts.channels.add("shop", { type: "slack", url: down.url });
    t.is(b.secret, undefined, "Slack channels have no secret");
    t.deepEqual(b.defaultRules, []);

    const sent = await alice.alerts.channels.test("shop", a.id);
    t.like(sent, { ok: true, status: 200, error: null, response: "ok" });
    t.is(good.got.length, 1);
    t.like(JSON.parse(good.got[0]!), { type: "alert.test", data: { app: "shop" } });
    const refused = await alice.alerts.channels.test("shop", b.id);
    t.like(refused, { ok: false, status: 503, response: "nope" });
    t.true(JSON.parse(down.got[0]!).text.includes("shop"), "Slack gets text");
    const deliveries = await alice.alerts.deliveries("shop");
    t.deepEqual(
      deliveries.results.map((d) => [d.kind, d.status]),
      [
        ["test", "delivered"],
        ["test", "failed"],
      ],
    );
    const again = await alice.alerts.redeliver("shop", deliveries.results[0]!.id);
    t.like(again, { status: "pending", attempts: 0 });

    await rejects(t, bob.alerts.list("shop"), 403, "FORBIDDEN");
    await rejects(t, bob.alerts.channels.test("shop", a.id), 403, "FORBIDDEN");
    await bob.apps.create("blog");
    await rejects(t, bob.alerts.channels.test("blog", a.id), 404, "NOT_FOUND");
    await rejects(t, bob.alerts.add("blog", { kind: "errors", channels: [a.id] }), 400, "VALIDATION_FAILED");
    await alice.alerts.channels.remove("shop", b.id);
    t.is((await alice.alerts.channels.list("shop")).count, 1);
  },
);

eachBackend("platform channels are the admins': every app's notifications reach them besides the app's own", async (t, backend) => {
  const h = await startController(t, backend, { alerts: local });
  const admin = await h.user("admin");
  const bob = await h.user("bob");
  await bob.apps.create("blog");
  const ops = await receiver(t);
  const owner = await receiver(t);
  await rejects(t, bob.alerts.platform.add({ type: "webhook", url: ops.url }), 403, "FORBIDDEN");
  const platform = await admin.alerts.platform.add({ type: "webhook", url: ops.url });
  t.is(platform.app, null);
  t.deepEqual(
    (await admin.alerts.platform.list()).results.map((c) => c.id),
    [platform.id],
  );
  await rejects(t, bob.alerts.platform.list(), 403, "FORBIDDEN");
  t.like(await admin.alerts.platform.test(platform.id), { ok: true, status: 200 });
  await bob.alerts.channels.add("blog", { type: "webhook", url: owner.url });
  t.is((await bob.alerts.channels.list("blog")).count, 1, "an app lists its own channels only");

  // A failed deploy of bob's app, as the evaluator and the dispatcher see it.
  const evaluator = new AlertEvaluator(
    h.store.db,
    silentLogger,
    { pods: async () => [] },
    { tickMs: 1000, appUrlTemplate: "http://{app}.example.test" },
  );
  const dispatcher = new Dispatcher(h.store.db, silentLogger, local);
  await new Promise((r) => setTimeout(r, 10));
  await setReleaseState(h.store.db, "blog", 1, "failed", "it never listened");
  await evaluator.tick();
  await dispatcher.run();
  const kinds = (got: string[]) => got.map((b) => (JSON.parse(b) as { type: string }).type);
  t.deepEqual(kinds(owner.got), ["alert.event"]);
  t.deepEqual(kinds(ops.got), ["alert.test", "alert.event"]);
  t.regex(ops.got[1]!, /v1 failed to deploy: it never listened/);
  await admin.alerts.platform.remove(platform.id);
  await rejects(t, admin.alerts.platform.remove(platform.id), 404, "NOT_FOUND");
});
