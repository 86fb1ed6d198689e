import test from "ava";
import { loadPlatformConfig } from "../src/config.ts";

test("the router's access log defaults to errors only and follows BERTH_ROUTER_ACCESS_LOG", (t) => {
  const base = { HOME: "/srv/berth", BERTH_DATA_DIR: "/srv/berth/data" };
  t.is(loadPlatformConfig(base).routerAccessLog, "errors");
  t.is(loadPlatformConfig({ ...base, BERTH_ROUTER_ACCESS_LOG: "off" }).routerAccessLog, "off");
  t.deepEqual(
    loadPlatformConfig({ ...base, BERTH_ROUTER_ACCESS_LOG: "/var/log/berth/access.log", BERTH_ROUTER_ACCESS_LOG_MAX_MB: "10" })
      .routerAccessLog,
    {
      file: "/var/log/berth/access.log",
      maxBytes: 10 * 1024 * 1024,
    },
  );
  t.throws(() => loadPlatformConfig({ ...base, BERTH_ROUTER_ACCESS_LOG: "loud" }), {
    message: /BERTH_ROUTER_ACCESS_LOG="loud" is not valid/,
  });
});
