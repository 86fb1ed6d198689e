import { ROUTER_KEY_HEADER, ROUTER_STATUS_PATH, type RouteTable } from "@berth/api";
import { eachBackend, rejects } from "./helpers/backend-test.ts";
import { ROUTER_KEY, startController } from "./helpers/controller.ts";
import { lines } from "./helpers/route-watch.ts";

eachBackend("custom domains are added, listed, unique across apps and removed", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  const bob = await h.user("bob");
  await alice.apps.create("shop");
  await bob.apps.create("blog");
  t.like(await alice.domains.add("shop", "WWW.Shop.Example.COM."), { domain: "www.shop.example.com", app: "shop" });
  await alice.domains.add("shop", "*.shop.example.org");
  t.deepEqual(
    (await alice.domains.list("shop")).results.map((d) => d.domain),
    ["*.shop.example.org", "www.shop.example.com"],
  );
  const taken = await rejects(t, bob.domains.add("blog", "www.shop.example.com"), 409, "CONFLICT");
  t.regex(taken.message, /another app/);
  await rejects(t, alice.domains.add("shop", "www.shop.example.com"), 409, "CONFLICT");
  await alice.domains.remove("shop", "www.shop.example.com");
  t.like(await bob.domains.add("blog", "www.shop.example.com"), { app: "blog" });
  await rejects(t, alice.domains.remove("shop", "never.example.com"), 404, "NOT_FOUND");
});

eachBackend("invalid domains and domains under the platform domain are refused", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await alice.apps.create("shop");
  for (const domain of [
    "localhost",
    "no_underscore.example.com",
    "-bad.example.com",
    "a..b.com",
    "10.0.0.1",
    "shop.example.test",
    `${"x".repeat(64)}.com`,
    "a b.com",
  ]) {
    const e = await rejects(t, alice.domains.add("shop", domain), 400, "VALIDATION_FAILED");
    t.is(e.field, "domain", domain);
  }
  t.is((await alice.domains.list("shop")).count, 0);
});

eachBackend("router settings default sensibly, change partially, and refuse bad values", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await alice.apps.create("shop");
  t.deepEqual(await alice.settings.get("shop"), {
    app: "shop",
    maintenance: false,
    routable: true,
    allowlist: [],
    connectTimeout: 5,
    readTimeout: 60,
  });
  const changed = await alice.settings.set("shop", { maintenance: true, allowlist: ["203.0.113.0/24", "198.51.100.7", "2001:DB8::/32"] });
  t.deepEqual(changed.allowlist, ["203.0.113.0/24", "198.51.100.7/32", "2001:db8::/32"]);
  t.true((await alice.settings.get("shop")).maintenance);
  await rejects(t, alice.settings.set("shop", { maintenance: true }), 409, "NOTHING_CHANGED");
  for (const body of [
    { allowlist: ["300.1.1.1/8"] },
    { allowlist: ["10.0.0.0/33"] },
    { allowlist: "10.0.0.0/8" },
    { readTimeout: 0 },
    { routable: "no" },
    { colour: "red" },
  ]) {
    await rejects(t, alice.request("POST", "/v2/apps/shop/settings", body), 400, "VALIDATION_FAILED");
  }
  t.true((await alice.settings.get("shop")).maintenance, "nothing half-applied");
});

eachBackend("the route table is for the router only and holds every app's hosts and settings", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await alice.apps.create("shop");
  await alice.domains.add("shop", "shop.example.com");
  await alice.settings.set("shop", { allowlist: ["203.0.113.0/24"], readTimeout: 30 });
  t.is((await fetch(`${h.url}/v2/routes`)).status, 401);
  t.is((await fetch(`${h.url}/v2/routes`, { headers: { [ROUTER_KEY_HEADER]: "wrong" } })).status, 401);
  const response = await fetch(`${h.url}/v2/routes`, { headers: { [ROUTER_KEY_HEADER]: ROUTER_KEY } });
  const table = (await response.json()) as RouteTable;
  t.deepEqual(table.routes, [
    {
      app: "shop",
      hosts: ["shop.example.test", "shop.example.com"],
      upstreams: [],
      draining: [],
      maintenance: false,
      routable: true,
      allowlist: ["203.0.113.0/24"],
      trustedProxies: ["10.0.0.0/8"],
      connectTimeoutMs: 5000,
      readTimeoutMs: 30000,
    },
  ]);
});

eachBackend("the watch stream sends the table, then a newer one on every change, and resumes from a version", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await alice.apps.create("shop");
  const abort = new AbortController();
  t.teardown(() => abort.abort());
  const watch = await fetch(`${h.url}/v2/routes?watch=1`, { headers: { [ROUTER_KEY_HEADER]: ROUTER_KEY }, signal: abort.signal });
  t.is(watch.headers.get("content-type"), "application/x-ndjson");
  const next = lines(watch);
  const first = await next();
  t.deepEqual(
    first.routes.map((r) => r.app),
    ["shop"],
  );
  await alice.apps.create("blog");
  const second = await next();
  t.true(second.version > first.version);
  t.deepEqual(
    second.routes.map((r) => r.app),
    ["blog", "shop"],
  );
  await alice.settings.set("blog", { maintenance: true });
  const third = await next();
  t.true(third.routes.find((r) => r.app === "blog")?.maintenance);
  abort.abort();

  // A router that saw `third` resumes: nothing until the next change.
  const resumeAbort = new AbortController();
  t.teardown(() => resumeAbort.abort());
  const resumed = await fetch(`${h.url}/v2/routes?watch=1&since=${third.version}`, {
    headers: { [ROUTER_KEY_HEADER]: ROUTER_KEY },
    signal: resumeAbort.signal,
  });
  const resumedNext = lines(resumed);
  await alice.domains.add("blog", "blog.example.org");
  const fourth = await resumedNext();
  t.true(fourth.version > third.version);
  t.deepEqual(fourth.routes.find((r) => r.app === "blog")?.hosts, ["blog.example.test", "blog.example.org"]);
});

eachBackend("destroying an app removes its domains and settings with it", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await alice.apps.create("shop");
  await alice.domains.add("shop", "shop.example.com");
  await alice.settings.set("shop", { maintenance: true });
  await alice.apps.destroy("shop");
  await alice.apps.create("shop");
  t.is((await alice.domains.list("shop")).count, 0);
  t.false((await alice.settings.get("shop")).maintenance);
  await alice.apps.create("other");
  t.like(await alice.domains.add("other", "shop.example.com"), { app: "other" });
});

eachBackend("a quiet watch stream sends an empty line every heartbeat, and nothing else", async (t, backend) => {
  const h = await startController(t, backend, { routeHeartbeatMs: 40 });
  const abort = new AbortController();
  t.teardown(() => abort.abort());
  const watch = await fetch(`${h.url}/v2/routes?watch=1`, { headers: { [ROUTER_KEY_HEADER]: ROUTER_KEY }, signal: abort.signal });
  const reader = watch.body!.getReader();
  let text = "";
  const decoder = new TextDecoder();
  // The table may come after a heartbeat or two when building it is slow.
  const afterTable = () => text.split("\n").slice(text.split("\n").findIndex((l) => l !== "") + 1);
  while (text.trim() === "" || afterTable().length < 4) text += decoder.decode((await reader.read()).value, { stream: true });
  const lines = text.split("\n");
  t.is((JSON.parse(lines.find((l) => l !== "") ?? "") as RouteTable).routes.length, 0);
  t.deepEqual(afterTable().slice(0, 3), ["", "", ""], "only empty lines after the table while nothing changes");
});

eachBackend("router status reports are kept, for the router key only, and checked field by field", async (t, backend) => {
  const h = await startController(t, backend);
  const post = (body: unknown, key = ROUTER_KEY) =>
    fetch(`${h.url}${ROUTER_STATUS_PATH}`, {
      method: "POST",
      headers: { [ROUTER_KEY_HEADER]: key, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const status = { router: "r1", version: 7, routing: ["10.0.0.5:5000"], busy: { "10.0.0.4:5000": 2 } };
  t.is((await post(status)).status, 204);
  t.deepEqual(h.routers.live(), [status]);
  t.deepEqual(h.routers.holdups(["10.0.0.4:5000"], 7), [
    { router: "r1", kind: "busy", reason: "has requests in flight at 10.0.0.4:5000 (2)" },
  ]);

  t.is((await post(status, "wrong-key")).status, 401);
  for (const [bad, field] of [
    [{ ...status, version: "7" }, "version"],
    [{ ...status, routing: "10.0.0.5:5000" }, "routing"],
    [{ ...status, busy: { "10.0.0.4:5000": -1 } }, "busy.10.0.0.4:5000"],
    [{ ...status, extra: true }, "extra"],
    [{ ...status, router: "" }, "router"],
  ] as const) {
    const reply = await post(bad);
    t.is(reply.status, 400, JSON.stringify(bad));
    t.is(((await reply.json()) as { error: { field?: string } }).error.field, field);
  }
  t.is(h.routers.live().length, 1, "a refused report changes nothing");
});
