import test from "ava";
import { FLUSH, HeadReader, type HeadParse, MAX_HEAD_BYTES, pktLine } from "../src/git/pkt-line.ts";

const a = "a".repeat(40);
const b = "b".repeat(40);
const zero = "0".repeat(40);
const push = (...lines: string[]) => Buffer.concat([...lines.map((l) => pktLine(l)), FLUSH]);

function read(service: "git-receive-pack" | "git-upload-pack", ...chunks: Buffer[]): HeadParse {
  const reader = new HeadReader(service);
  let parsed: HeadParse = { state: "incomplete" };
  for (const chunk of chunks) parsed = reader.push(chunk);
  return parsed;
}

test("a push's ref updates and capabilities are read up to the flush, whatever follows", (t) => {
  const body = Buffer.concat([
    push(`${zero} ${a} refs/heads/main\0 report-status side-band-64k agent=git/2.39`, `${a} ${b} refs/tags/v1\n`),
    Buffer.from("PACK..."),
  ]);
  const parsed = read("git-receive-pack", body);
  if (parsed.state !== "complete") return t.fail(JSON.stringify(parsed));
  t.deepEqual(parsed.head.commands, [
    { old: zero, next: a, ref: "refs/heads/main" },
    { old: a, next: b, ref: "refs/tags/v1" },
  ]);
  t.deepEqual(parsed.head.capabilities, ["report-status", "side-band-64k", "agent=git/2.39"]);
  t.is(parsed.head.length, body.length - "PACK...".length);
});

test("a head split across many chunks is read as one", (t) => {
  const body = push(`${zero} ${a} refs/heads/main\0 report-status`);
  const bytes = [...body].map((byte) => Buffer.from([byte]));
  const parsed = read("git-receive-pack", ...bytes);
  t.is(parsed.state, "complete");
  t.is(read("git-receive-pack", ...bytes.slice(0, -1)).state, "incomplete");
});

test("git's probe, a lone flush, is a push with no ref updates", (t) => {
  const parsed = read("git-receive-pack", FLUSH);
  t.like(parsed, { state: "complete", head: { commands: [], length: 4 } });
});

test("shallow lines may come before a push's ref updates", (t) => {
  t.is(read("git-receive-pack", push(`shallow ${a}`, `${a} ${b} refs/heads/main\0 report-status`)).state, "complete");
});

test("a fetch must start with a want line", (t) => {
  t.like(read("git-upload-pack", push(`want ${a} multi_ack side-band-64k`, `want ${b}`, "deepen 1")), {
    state: "complete",
    head: { capabilities: ["multi_ack", "side-band-64k"], commands: [] },
  });
  t.like(read("git-upload-pack", push(`have ${a}`)), { state: "invalid" });
  t.like(read("git-upload-pack", FLUSH), { state: "invalid" });
});

for (const [title, body] of [
  ["text that is not pkt-lines", Buffer.from("GET / HTTP/1.1\r\n\r\n")],
  ["binary garbage", Buffer.from([0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3])],
  ["a pkt-line length below 4", Buffer.from("0003")],
  ["a protocol v2 delimiter", Buffer.from("0001")],
  ["a ref update without a ref", push(`${zero} ${a}`)],
  ["a ref update with a short id", push(`${zero} abc refs/heads/main`)],
  ["a ref outside refs/", push(`${zero} ${a} HEAD`)],
  ["a ref with a control character", push(`${zero} ${a} refs/heads/a\u0001b`)],
  ["capabilities on a later ref update", push(`${zero} ${a} refs/heads/main`, `${zero} ${b} refs/heads/x\0 report-status`)],
  ["a push certificate (never advertised)", push("push-cert\0 report-status")],
] as const) {
  test(`a push head of ${title} is not git protocol`, (t) => {
    t.is(read("git-receive-pack", body).state, "invalid");
  });
}

test("a head longer than the limit is refused without reading further", (t) => {
  const line = pktLine(`${zero} ${a} refs/heads/${"x".repeat(900)}\n`);
  const first = pktLine(`${zero} ${a} refs/heads/main\0 report-status\n`);
  const many = Buffer.concat([first, ...Array.from({ length: Math.ceil(MAX_HEAD_BYTES / line.length) + 1 }, () => line)]);
  t.like(read("git-receive-pack", many), { state: "invalid" });
});
