import test from "ava";
import { ControllerStub, route } from "./helpers/controller-stub.ts";
import { startRouter, waitFor } from "./helpers/router.ts";
import { get, startUpstream } from "./helpers/servers.ts";

test("counts requests per app by status class and observes their latency", async (t) => {
  const stub = await new ControllerStub().start();
  const web = await startUpstream("web", (req, res) => {
    res.writeHead(req.url === "/missing" ? 404 : 200).end("x");
  });
  stub.publish([route("shop", { upstreams: [web.address] }), route("down", { maintenance: true })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), web.close()]));

  await get(r.port, "shop.test.local");
  await get(r.port, "shop.test.local");
  await get(r.port, "shop.test.local", "/missing");
  await get(r.port, "down.test.local");
  await get(r.port, "unknown.test.local");
  const text = (await get(r.adminPort, "localhost", "/metrics")).body;
  t.regex(text, /^berth_router_requests_total\{app="shop",code="2xx"\} 2$/m);
  t.regex(text, /^berth_router_requests_total\{app="shop",code="4xx"\} 1$/m);
  t.regex(text, /^berth_router_requests_total\{app="down",code="5xx"\} 1$/m);
  t.regex(text, /^berth_router_unrouted_requests_total\{code="4xx"\} 1$/m);
  t.regex(text, /^berth_router_request_duration_seconds_count\{app="shop"\} 3$/m);
  t.regex(text, /^berth_router_request_duration_seconds_bucket\{app="shop",le="\+Inf"\} 3$/m);
});

test("writes one JSON access-log line per request", async (t) => {
  const stub = await new ControllerStub().start();
  const web = await startUpstream("web");
  stub.publish([route("shop", { upstreams: [web.address] })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), web.close()]));

  await get(r.port, "shop.test.local", "/path?q=1", { "x-request-id": "abc-1" });
  const lines = r.logs.lines.filter((l) => l.msg === "request");
  t.is(lines.length, 1);
  t.like(lines[0]!.fields, {
    app: "shop",
    method: "GET",
    path: "/path?q=1",
    status: 200,
    upstream: web.address,
    requestId: "abc-1",
    client: "127.0.0.1",
  });
  t.is(typeof lines[0]!.fields.ms, "number");
});

test("reports health and the served table version on the admin port", async (t) => {
  const stub = await new ControllerStub().start();
  stub.publish([route("shop")]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop()]));

  const reply = await get(r.adminPort, "localhost", "/healthz");
  t.is(reply.status, 200);
  t.like(JSON.parse(reply.body), { status: "ok", routes: { version: 1, apps: 1, hosts: 1, controllerConnected: true } });
  t.is((await get(r.adminPort, "localhost", "/nope")).status, 404);
});

test("is ready on the admin port only once it has a route table, so no request meets a router that knows no app", async (t) => {
  const stub = await new ControllerStub("a-key-the-controller-refuses").start();
  // A router whose key the controller refuses gets no table (and has no cache yet): not ready.
  const r = await startRouter({ url: stub.url, key: "wrong-key" });
  t.teardown(async () => Promise.all([r.stop(), stub.stop()]));
  const waiting = await get(r.adminPort, "localhost", "/readyz");
  t.is(waiting.status, 503);
  t.deepEqual(JSON.parse(waiting.body), { status: "waiting for the first route table from the controller" });

  const good = await new ControllerStub().start();
  good.publish([route("shop")]);
  const ready = await startRouter(good, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([ready.stop(), good.stop()]));
  const reply = await get(ready.adminPort, "localhost", "/readyz");
  t.is(reply.status, 200);
  t.deepEqual(JSON.parse(reply.body), { status: "ok", version: 1 });
});

test("sends the controller each app's traffic per minute, and again what it refused", async (t) => {
  const stub = await new ControllerStub().start();
  const web = await startUpstream("web", (req, res) => {
    res.writeHead(req.url === "/fail" ? 500 : 200).end("x");
  });
  stub.publish([route("shop", { upstreams: [web.address] })]);
  const r = await startRouter(stub, { waitForVersion: 1, metricsIntervalMs: 50 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), web.close()]));

  stub.refuseMetrics = true;
  await get(r.port, "shop.test.local");
  await get(r.port, "shop.test.local", "/fail");
  await waitFor(() => r.logs.lines.some((l) => l.msg.startsWith("could not send the router's metrics")), "a refused report");
  stub.refuseMetrics = false;
  await get(r.port, "shop.test.local");
  // The controller has the report before the router has its answer (and says so in its log).
  await waitFor(
    () =>
      stub.metrics.some((m) => m.buckets.some((b) => b.app === "shop")) &&
      r.logs.lines.some((l) => l.msg === "router metrics reach the controller again"),
    "a metrics report, acknowledged",
  );
  // Totals over the reports the controller took: each repeats a minute's full figures, so take the last per minute.
  const last = new Map<number, { requests: number; errors: number }>();
  for (const report of stub.metrics) for (const b of report.buckets) last.set(b.start, b);
  t.is(
    [...last.values()].reduce((n, b) => n + b.requests, 0),
    3,
    "the refused figures were sent again",
  );
  t.is(
    [...last.values()].reduce((n, b) => n + b.errors, 0),
    1,
  );
  t.truthy(stub.metrics[0]!.router);
  t.regex(stub.metrics[0]!.boot, /^[0-9a-f]{12}$/);
});
