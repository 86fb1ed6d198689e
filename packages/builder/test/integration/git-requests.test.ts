import { randomBytes } from "node:crypto";
import test from "ava";
import { FLUSH, pktLine } from "../../src/git/pkt-line.ts";
import { createJsonLogger } from "../../src/index.ts";
import { git, makeRepo, push } from "../helpers/git-client.ts";
import { eventually, postHead, processesMentioning, rawRequest } from "../helpers/raw-http.ts";
import { startWorld, type World } from "../helpers/world.ts";

const TIMEOUT_MS = 1500;
const logs: string[] = [];
let world: World;
let sha: string;
test.before(async () => {
  world = await startWorld({
    gitTimeoutMs: TIMEOUT_MS,
    maxPushBytes: 512 * 1024,
    logger: createJsonLogger((line) => logs.push(line), "debug"),
  });
  await world.api.apps.create("raw");
  const repo = await makeRepo({ "README.md": "stored, not built\n" }, world.home);
  const stored = await push(repo, world.remote("raw"), world.home, "HEAD:stored");
  if (stored.code !== 0) throw new Error(stored.stderr);
  sha = (await git(repo, ["rev-parse", "HEAD"], world.home)).stdout.trim();
});
test.after.always(async () => {
  await world?.close();
});

const zero = "0".repeat(40);
const post = (service: string, headers: Record<string, string | number>) =>
  postHead(`/raw.git/${service}`, "alice", world.token, { "content-type": `application/x-${service}-request`, ...headers });
const gitProcesses = () => processesMentioning(`${world.dataDir}/builder/repos/raw.git`);
const released = async () => (await world.connections()) === 0 && (await gitProcesses()).length === 0;

test.serial("fetch requests whose bodies are not git protocol are answered 400 at once and release their connections", async (t) => {
  const garbage = randomBytes(300);
  const requests = Array.from({ length: 20 }, () =>
    rawRequest(world.gitHost, post("git-upload-pack", { "content-length": garbage.length }), garbage),
  );
  const replies = await Promise.all(requests.map((r) => r.reply));
  for (const reply of replies) {
    t.regex(reply.text, /^HTTP\/1\.1 400 /);
    t.regex(reply.text, /this is not a git upload-pack request: the body does not start with git pkt-lines/);
  }
  t.true(await eventually(released), "no connection or git process is left");
});

for (const [service, head] of [
  [
    "git-receive-pack",
    () =>
      Buffer.concat([pktLine(`${zero} ${sha} refs/heads/stalled\0 report-status side-band-64k`), FLUSH, Buffer.from("PACK\0\0\0\u0002")]),
  ],
  ["git-upload-pack", () => Buffer.concat([pktLine(`want ${sha} side-band-64k\n`), FLUSH, pktLine(`have ${zero}\n`)])],
] as const) {
  test.serial(`a ${service} body that stalls half-way is ended with a 408 and its git process killed`, async (t) => {
    const request = rawRequest(world.gitHost, post(service, { "content-length": 100_000 }), head());
    t.true(await eventually(async () => (await gitProcesses()).length > 0, TIMEOUT_MS), "git started on the request");
    const reply = await request.reply;
    t.regex(reply.text, /^HTTP\/1\.1 408 /);
    t.regex(reply.text, /the request stopped arriving: nothing came for 1.5 s \(BERTH_GIT_TIMEOUT\)/);
    t.true(reply.elapsed < 4 * TIMEOUT_MS, `ended after ${reply.elapsed} ms`);
    t.true(await eventually(released), "no connection or git process is left");
  });
}

test.serial("a push that stalls inside its ref list is ended with a 408", async (t) => {
  const half = pktLine(`${zero} ${sha} refs/heads/main\0 report-status`).subarray(0, 30);
  const reply = await rawRequest(
    world.gitHost,
    post("git-receive-pack", { "transfer-encoding": "chunked" }),
    `${half.length.toString(16)}\r\n${half}\r\n`,
  ).reply;
  t.regex(reply.text, /^HTTP\/1\.1 408 /);
  t.true(await eventually(released));
});

test.serial("a push whose declared length is over the limit is refused before its pack is sent", async (t) => {
  const head = Buffer.concat([pktLine(`${zero} ${sha} refs/heads/main\0 report-status side-band-64k`), FLUSH]);
  const request = rawRequest(world.gitHost, post("git-receive-pack", { "content-length": 10 * 1024 * 1024 }), head);
  const reply = await request.reply;
  t.regex(reply.text, /^HTTP\/1\.1 200 /);
  t.regex(reply.text, /berth: this push is larger than the limit of 0\.5 MiB \(BERTH_MAX_PUSH_BYTES\)/);
  t.regex(reply.text, /ng refs\/heads\/main push larger than 0\.5 MiB/);
  // Not a 408: had the builder waited for the 10 MiB it was promised, the request deadline would have
  // ended it (no clock needed to tell the two apart).
  t.notRegex(reply.text, /^HTTP\/1\.1 408 /);
  t.notRegex(reply.text, /stopped arriving/);
  t.true(await eventually(released));
  t.is((await world.api.builds.list("raw")).count, 0);
});

test.serial("a client that hangs up in the middle of a push is no error in the builder's log", async (t) => {
  const before = logs.length;
  const request = rawRequest(world.gitHost, post("git-receive-pack", { "content-length": 100 }), "00af0000");
  await new Promise((r) => setTimeout(r, 200));
  request.destroy();
  await request.reply;
  t.true(await eventually(released));
  const lines = logs.slice(before).map((line) => JSON.parse(line) as { level: string; msg: string; reason?: string });
  t.deepEqual(
    lines.filter((l) => l.level === "error" || l.level === "warn" || l.reason !== undefined),
    [],
    "no failure is logged",
  );
  t.true(lines.some((l) => l.level === "debug" && l.msg === "client closed the connection"));
});
