import test from "ava";
import { processCommand } from "@berth/api";
import { containerOptions, memoryBytes, nanoCpus } from "../src/scheduler/docker/container-options.ts";
import { instanceLabels, LABEL, readinessFromLabel } from "../src/scheduler/docker/labels.ts";
import { demuxLogs, LogReader } from "../src/scheduler/docker/logs.ts";
import type { GroupSpec } from "../src/scheduler/types.ts";

const spec: GroupSpec = {
  app: "shop",
  release: 4,
  type: "web",
  image: "shop:git-abc",
  command: "node server.js",
  env: { BERTH_APP: "shop", BERTH_RELEASE: "v4" },
  limits: { memory: "256M", cpu: "1.5" },
  readiness: { mode: "tcp", path: undefined, initialDelay: 0, timeout: 2, period: 2, failureThreshold: 3 },
};
const settings = { maxRestarts: 5, stopTimeout: 10, labels: { extra: "1" } };

test("bridge networking runs $PORT on the engine network and publishes nothing (the router reaches the container itself)", (t) => {
  const options = containerOptions(
    spec,
    { index: 2 },
    { ...settings, network: { mode: "bridge", network: "bridge", containerPort: 5000 } },
  );
  t.is(options.name, "shop-v4-web-2");
  t.deepEqual(options.Env, ["BERTH_APP=shop", "BERTH_RELEASE=v4", "PORT=5000"]);
  t.deepEqual(options.ExposedPorts, { "5000/tcp": {} });
  t.is(options.HostConfig?.PortBindings, undefined, "no userland proxy that answers for an app that is not listening");
  t.is(options.Labels?.["berth.port"], "5000");
  t.deepEqual(options.Cmd, processCommand("node server.js"));
  t.deepEqual([options.Cmd?.[0], options.Cmd?.at(-1)], ["/bin/sh", "node server.js"], "under the supervisor");
  t.is(options.HostConfig?.NetworkMode, "bridge");
  t.like(options.Labels, { extra: "1", "berth.app": "shop", "berth.release": "4", "berth.type": "web", "berth.index": "2" });
});

test("a PORT from the app's config wins over the scheduler's", (t) => {
  const own = { ...spec, env: { ...spec.env, PORT: "8080" } };
  const bridge = containerOptions(own, { index: 1 }, { ...settings, network: { mode: "bridge", network: "bridge", containerPort: 5000 } });
  t.deepEqual(bridge.ExposedPorts, { "8080/tcp": {} });
  const host = containerOptions(own, { index: 1, hostPort: 41000 }, { ...settings, network: { mode: "host" } });
  t.true(host.Env?.includes("PORT=8080"));
  t.is(host.Labels?.["berth.port"], "8080");
});

test("host networking gives each instance its own port as $PORT and records it in a label", (t) => {
  const options = containerOptions(
    { ...spec, command: undefined },
    { index: 1, hostPort: 41234 },
    { ...settings, network: { mode: "host" } },
  );
  t.is(options.HostConfig?.NetworkMode, "host");
  t.true(options.Env?.includes("PORT=41234"));
  t.is(options.Labels?.["berth.port"], "41234");
  t.is(options.Cmd, undefined, "no Procfile command: the image's own");
  t.is(options.ExposedPorts, undefined);
});

test("limits, init and the restart policy come from the spec and settings", (t) => {
  const options = containerOptions(spec, { index: 1 }, { ...settings, network: { mode: "host" } });
  t.is(options.HostConfig?.Memory, 256 * 1024 * 1024);
  t.is(options.HostConfig?.NanoCpus, 1_500_000_000);
  t.is(options.HostConfig?.Init, true);
  t.deepEqual(options.HostConfig?.RestartPolicy, { Name: "on-failure", MaximumRetryCount: 5 });
  t.is(options.StopTimeout, 10);
  t.is(memoryBytes("1G"), 1024 ** 3);
  t.is(nanoCpus("500m"), 500_000_000);
});

function frame(stream: number, text: string): Buffer {
  const body = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

test("splits the engine's multiplexed log frames into timestamped lines", (t) => {
  const raw = Buffer.concat([
    frame(1, "2026-01-01T00:00:01Z hello\n"),
    frame(2, "2026-01-01T00:00:02Z oops\n2026-01-01T00:00:03Z again\n"),
  ]);
  t.deepEqual(demuxLogs(raw), [
    { time: "2026-01-01T00:00:01Z", line: "hello" },
    { time: "2026-01-01T00:00:02Z", line: "oops" },
    { time: "2026-01-01T00:00:03Z", line: "again" },
  ]);
});

test("reads a followed log stream whose frames, lines and characters are cut across chunks", (t) => {
  const raw = Buffer.concat([
    frame(1, "2026-01-01T00:00:01Z héllo\n"),
    frame(2, "2026-01-01T00:00:02Z par"),
    frame(2, "tial\n2026-01-01T00:00:03Z last"),
  ]);
  const reader = new LogReader();
  const lines = [];
  // Cut everywhere: inside a header, inside the two-byte é, between frames.
  for (let at = 0; at < raw.length; at += 3) lines.push(...reader.push(raw.subarray(at, at + 3)));
  t.deepEqual(lines, [
    { time: "2026-01-01T00:00:01Z", line: "héllo" },
    { time: "2026-01-01T00:00:02Z", line: "partial" },
  ]);
  t.deepEqual(reader.end(), [{ time: "2026-01-01T00:00:03Z", line: "last" }]);
});

test("reads a stream without frames (a TTY) as plain lines", (t) => {
  const reader = new LogReader();
  t.deepEqual(reader.push(Buffer.from("2026-01-01T00:00:01Z a\n2026")), [{ time: "2026-01-01T00:00:01Z", line: "a" }]);
  t.deepEqual(reader.push(Buffer.from("-01-01T00:00:02Z b\n")), [{ time: "2026-01-01T00:00:02Z", line: "b" }]);
  t.deepEqual(demuxLogs(Buffer.from("ok")), [{ time: "", line: "ok" }]);
});

test("a container's readiness label reads back as the check it was made with", (t) => {
  const check = { mode: "http" as const, path: "/health", initialDelay: 3, timeout: 1, period: 5, failureThreshold: 2 };
  const label = instanceLabels({ app: "shop", release: 4, type: "web" }, 1, check)[LABEL.readiness];
  t.deepEqual(readinessFromLabel(label), check);
});

test("a readiness label that is missing, not JSON or of the wrong shape is a TCP check with the usual timings", (t) => {
  const usual = { mode: "tcp", path: undefined, initialDelay: 0, timeout: 2, period: 2, failureThreshold: 3 };
  t.deepEqual(readinessFromLabel(undefined), usual);
  t.deepEqual(readinessFromLabel("{not json"), usual);
  t.deepEqual(readinessFromLabel("[1,2]"), usual);
  t.deepEqual(readinessFromLabel('{"mode":"ping","path":"/x","timeout":"1","period":-1,"initialDelay":null}'), usual);
  t.deepEqual(readinessFromLabel('{"mode":"running","timeout":4}'), { ...usual, mode: "running", timeout: 4 });
});
