import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { accessLogSetting, openAccessLog } from "../src/access-log.ts";
import { loadRouterConfig } from "../src/config.ts";
import { ControllerStub, route } from "./helpers/controller-stub.ts";
import { memoryLogger, startRouter, waitFor } from "./helpers/router.ts";
import { deadAddress, get, startUpstream } from "./helpers/servers.ts";

async function routerWith(t: import("ava").ExecutionContext, sink: ReturnType<typeof openAccessLog>["sink"]) {
  const stub = await new ControllerStub().start();
  const web = await startUpstream("web");
  stub.publish([
    route("shop", { upstreams: [web.address] }),
    route("down", { hosts: ["down.test.local"], upstreams: [await deadAddress()] }),
  ]);
  const r = await startRouter(stub, { waitForVersion: 1, deps: { accessLog: sink } });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), web.close()]));
  return r;
}

test("by default logs only requests answered with a 5xx, on the log output", async (t) => {
  t.is(accessLogSetting({}), "errors");
  const output = memoryLogger();
  const r = await routerWith(t, openAccessLog("errors", output).sink);
  for (let i = 0; i < 5; i++) t.is((await get(r.port, "shop.test.local", `/ok${i}`)).status, 200);
  t.is((await get(r.port, "nowhere.test.local")).status, 404);
  t.is((await get(r.port, "down.test.local", "/broken")).status, 502);
  await waitFor(() => output.lines.length > 0, "the 502's line");
  t.deepEqual(
    output.lines.map((l) => [l.msg, l.fields.status, l.fields.path]),
    [["request", 502, "/broken"]],
  );
});

test("with on, logs every request on the log output", async (t) => {
  const output = memoryLogger();
  const r = await routerWith(t, openAccessLog(accessLogSetting({ BERTH_ROUTER_ACCESS_LOG: "on" }), output).sink);
  await get(r.port, "shop.test.local", "/a");
  await get(r.port, "nowhere.test.local", "/b");
  await waitFor(() => output.lines.length === 2, "two lines");
  t.deepEqual(
    output.lines.map((l) => l.fields.status),
    [200, 404],
  );
});

test("with off, logs nothing, not even errors", async (t) => {
  const output = memoryLogger();
  const r = await routerWith(t, openAccessLog("off", output).sink);
  t.is((await get(r.port, "down.test.local")).status, 502);
  await get(r.port, "shop.test.local");
  t.deepEqual(output.lines, []);
});

test("with a file path, writes every request there and rotates it by size into <path>.1", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "berth-access-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, "logs", "access.log");
  const setting = accessLogSetting({ BERTH_ROUTER_ACCESS_LOG: file, BERTH_ROUTER_ACCESS_LOG_MAX_MB: "0.003" });
  t.deepEqual(setting, { file, maxBytes: 3146 });
  const output = memoryLogger();
  const access = openAccessLog(setting, output);
  t.teardown(() => access.close());
  const r = await routerWith(t, access.sink);
  const paths = async (from: number, to: number) => {
    for (let i = from; i < to; i++) await get(r.port, "shop.test.local", `/p${i}`);
    access.flush();
  };
  const logged = async (path: string) =>
    (await readFile(path, "utf8"))
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => (JSON.parse(l) as { path: string }).path);
  await paths(0, 8); // about 2 KB: under the limit
  t.deepEqual(
    await logged(file),
    Array.from({ length: 8 }, (_, i) => `/p${i}`),
  );
  await paths(8, 16); // would pass it: the first eight move to access.log.1
  t.deepEqual(
    await logged(`${file}.1`),
    Array.from({ length: 8 }, (_, i) => `/p${i}`),
  );
  t.deepEqual(
    await logged(file),
    Array.from({ length: 8 }, (_, i) => `/p${i + 8}`),
  );
  t.deepEqual(output.lines, []);
});

test("refuses an access-log setting it cannot use, saying what to put there", (t) => {
  t.throws(() => loadRouterConfig({ BERTH_ROUTER_KEY: "k", BERTH_ROUTER_ACCESS_LOG: "verbose" }), {
    message: /BERTH_ROUTER_ACCESS_LOG="verbose" is not valid — use off, errors, on, or an absolute file path/,
  });
  t.throws(() => accessLogSetting({ BERTH_ROUTER_ACCESS_LOG: "logs/access.log" }), {
    message: /BERTH_ROUTER_ACCESS_LOG="logs\/access.log" is not valid — use off, errors, on, or an absolute file path/,
  });
  t.throws(() => accessLogSetting({ BERTH_ROUTER_ACCESS_LOG: "/var/log/a.log", BERTH_ROUTER_ACCESS_LOG_MAX_MB: "lots" }), {
    message: /BERTH_ROUTER_ACCESS_LOG_MAX_MB="lots" is not valid — use a number of megabytes/,
  });
});
