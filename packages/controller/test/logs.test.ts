import type { LogEntry } from "@berth/api";
import test from "ava";
import { recordOnlyDeployer } from "../src/deployer.ts";
import { mergeLogs, timeKey } from "../src/logs/merge.ts";
import type { LogLine } from "../src/scheduler/types.ts";
import { eachBackend, rejects } from "./helpers/backend-test.ts";
import { startController } from "./helpers/controller.ts";

test("times of nanosecond and millisecond precision sort together", (t) => {
  t.true(timeKey("2026-01-01T00:00:05.123456789Z") > timeKey("2026-01-01T00:00:05.123Z"));
  t.true(timeKey("2026-01-01T00:00:05.2Z") > timeKey("2026-01-01T00:00:05.123456789Z"));
  t.is(timeKey("2026-01-01T00:00:05Z"), "2026-01-01T00:00:05.000000000");
});

test("instance lines and events merge in time order, keeping the newest", (t) => {
  const e = (time: string, tag: string): LogEntry => ({ time, source: tag === "deploy" ? "berth" : "app", tag, line: tag });
  const merged = mergeLogs([e("2026-01-01T00:00:01.500000000Z", "web.1"), e("2026-01-01T00:00:03.000000001Z", "web.2")], [e("2026-01-01T00:00:02.000Z", "deploy")], 2);
  t.deepEqual(
    merged.map((m) => m.tag),
    ["deploy", "web.2"],
  );
});

/** A record-only deployer whose instances print the given lines. */
function printing(lines: LogLine[]) {
  return (store: Parameters<typeof recordOnlyDeployer>[0]) => ({ ...recordOnlyDeployer(store), logs: async () => lines });
}

eachBackend("logs merge instance output with the app's platform events, and honour lines", async (t, backend) => {
  const now = Date.now();
  const at = (ms: number) => new Date(now + ms).toISOString().replace("Z", "123456Z");
  const h = await startController(t, backend, {
    deployer: printing([
      { instance: "app-v2-web-1", tag: "web.1", time: at(-60_000), line: "listening on 5000" },
      { instance: "app-v2-web-1", tag: "web.1", time: at(60_000), line: "GET / 200" },
    ]),
  });
  const alice = await h.user("alice");
  await alice.apps.create("talky");
  await alice.builds.create("talky", { image: "example.test/talky:1", procfile: { web: "serve" } });
  await alice.scale.set("talky", { web: 2 });
  const entries = await alice.logs.get("talky");
  t.deepEqual(
    entries.map((e) => `${e.source}[${e.tag}]: ${e.line}`),
    [
      "app[web.1]: listening on 5000",
      "berth[release]: v2 created: alice deployed example.test/talky:1",
      "berth[scale]: alice scaled web=2",
      "app[web.1]: GET / 200",
    ],
  );
  t.is((await alice.logs.get("talky", { lines: 2 })).length, 2);
  t.deepEqual((await alice.logs.get("talky", { lines: 1 })).map((e) => e.line), ["GET / 200"]);
  await rejects(t, alice.logs.get("talky", { lines: -1 }), 400, "VALIDATION_FAILED");
  await rejects(t, alice.logs.get("nope"), 404, "APP_NOT_FOUND");
  const bob = await h.user("bob");
  await rejects(t, bob.logs.get("talky"), 403, "FORBIDDEN");
});

eachBackend("following logs streams new events as they happen and ends when the client leaves", async (t, backend) => {
  const h = await startController(t, backend, { deployer: printing([]) });
  const alice = await h.user("alice");
  await alice.apps.create("talky");
  const abort = new AbortController();
  const seen: string[] = [];
  const following = (async () => {
    for await (const entry of alice.logs.follow("talky", { lines: 10 }, abort.signal)) {
      seen.push(entry.line);
      if (entry.line.includes("added GREETING")) abort.abort();
    }
  })();
  await new Promise((r) => setTimeout(r, 300));
  await alice.config.set("talky", { values: { GREETING: "hi" } });
  await following;
  t.deepEqual(seen, ["v2 created: alice added GREETING"]);
});
