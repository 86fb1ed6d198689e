import test from "ava";
import { Admission, refuse } from "../src/admission.ts";
import { compileHostMap } from "../src/host-map.ts";
import { silentLogger } from "../src/logger.ts";
import { RouterMetrics } from "../src/metrics.ts";
import { emptyScan } from "../src/request-headers.ts";
import { UpstreamPools } from "../src/upstream-pools.ts";
import { route } from "./helpers/controller-stub.ts";
import { memoryLogger } from "./helpers/router.ts";

/** The admission step alone, as every entry point calls it: no socket, no server. */
function setUp(t: import("ava").ExecutionContext) {
  const metrics = new RouterMetrics();
  const pools = new UpstreamPools();
  t.teardown(() => pools.close());
  const hosts = compileHostMap(
    {
      version: 1,
      routes: [
        route("shop", { upstreams: ["127.0.0.1:9"] }),
        route("closed", { upstreams: ["127.0.0.1:9"], maintenance: true }),
        route("idle", { upstreams: [] }),
      ],
    },
    pools,
    metrics,
    silentLogger,
  );
  const log = memoryLogger();
  const admission = new Admission({
    hosts: () => hosts,
    platformHosts: new Set(["berth.test.local"]),
    accessLog: log,
    unrouted: metrics.unrouted,
  });
  const admit = (host: string | undefined, options: { http10?: boolean; platform?: boolean; requestId?: string } = {}) => {
    const scan = { ...emptyScan(), host, requestId: options.requestId };
    return admission.admit(scan, "GET", "/cart", "10.0.0.7", performance.now(), options.http10 !== true, options.platform === true);
  };
  return { admit, metrics, log };
}

test("admits a request for an app, with its log line begun for that app", (t) => {
  const { admit } = setUp(t);
  const admitted = admit("Shop.Test.Local:8080", { requestId: "from-client" });
  t.is(admitted.kind, "app");
  t.is(admitted.kind === "app" ? admitted.target.app : undefined, "shop");
  t.is(admitted.log.app, "shop");
  t.is(admitted.log.requestId, "from-client");
  t.is(admitted.log.path, "/cart");
});

test("refuses an unknown host with a 404 page naming it, counted as unrouted", (t) => {
  const { admit, metrics, log } = setUp(t);
  const admitted = admit("nope.test.local");
  t.is(admitted.kind, "refused");
  if (admitted.kind !== "refused") return;
  t.is(admitted.page.status, 404);
  t.regex(admitted.page.detail, /nope\.test\.local/);
  refuse(admitted);
  t.is(metrics.unrouted[3], 1);
  t.is(log.lines[0]?.fields.status, 404);
});

test("refuses an app in maintenance or without instances with its page, counted for the app", (t) => {
  const { admit, metrics } = setUp(t);
  const maintenance = admit("closed.test.local");
  const idle = admit("idle.test.local");
  t.is(maintenance.kind === "refused" ? maintenance.page.title : undefined, "Down for maintenance");
  t.is(idle.kind === "refused" ? idle.page.status : undefined, 503);
  t.is(maintenance.log.app, "closed");
  if (maintenance.kind === "refused") refuse(maintenance);
  t.is(metrics.unrouted[4], 0);
  t.true(metrics.render().includes('berth_router_requests_total{app="closed",code="5xx"} 1'));
});

test("gives the platform's host to a platform handler, and says none is mounted when there is none", (t) => {
  const { admit } = setUp(t);
  const served = admit("berth.test.local", { platform: true });
  t.is(served.kind, "platform");
  t.is(served.log.app, "(platform)");
  const unserved = admit("berth.test.local");
  t.is(unserved.kind === "refused" ? unserved.page.title : undefined, "Platform API not served here");
});

test("refuses an HTTP/1.1 request without Host, and lets an HTTP/1.0 one reach the unknown-host page", (t) => {
  const { admit } = setUp(t);
  const http11 = admit(undefined);
  const http10 = admit(undefined, { http10: true });
  t.is(http11.kind === "refused" ? http11.page.title : undefined, "Missing Host header");
  t.is(http10.kind === "refused" ? http10.page.title : undefined, "No app at this address");
});
