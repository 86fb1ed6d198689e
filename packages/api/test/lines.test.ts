import { Readable } from "node:stream";
import test from "ava";
import { LineSplitter, LineTooLongError, readLines } from "../src/lines.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

/** Feeds `chunks` through one splitter and gives every line, the last one included. */
function split(chunks: (string | Uint8Array)[], maxLength?: number): string[] {
  const splitter = new LineSplitter(maxLength === undefined ? {} : { maxLength });
  const lines = chunks.flatMap((chunk) => splitter.push(typeof chunk === "string" ? bytes(chunk) : chunk));
  return [...lines, ...splitter.end()];
}

test("gives each line once its newline arrives, a line spanning chunks whole", (t) => {
  const splitter = new LineSplitter();
  t.deepEqual(splitter.push(bytes("one\ntw")), ["one"]);
  t.deepEqual(splitter.push(bytes("o and")), []);
  t.deepEqual(splitter.push(bytes(" more\nthree\nfour\n")), ["two and more", "three", "four"]);
  t.deepEqual(splitter.end(), []);
});

test("keeps empty lines", (t) => {
  t.deepEqual(split(["a\n\n", "\nb\n"]), ["a", "", "", "b"]);
});

test("drops the \\r of CRLF, also when CR and LF come in different chunks", (t) => {
  t.deepEqual(split(["one\r\ntwo\r", "\nthree\r\n"]), ["one", "two", "three"]);
  t.deepEqual(split(["a\rb\n"]), ["a\rb"], "a CR inside a line is the line's");
});

test("gives a last line that has no newline when the stream ends", (t) => {
  t.deepEqual(split(["one\ntwo"]), ["one", "two"]);
  t.deepEqual(split(["one\r"]), ["one"]);
  t.deepEqual(split([]), []);
});

test("decodes UTF-8 across chunks: a character cut between them stays whole", (t) => {
  const text = "ünï ☃ 🚢\nzwei 🚢\n";
  const encoded = bytes(text);
  const oneByteAtATime = [...encoded].map((byte) => Uint8Array.of(byte));
  t.deepEqual(split(oneByteAtATime), ["ünï ☃ 🚢", "zwei 🚢"]);
});

test("a stream cut inside a character ends in a replacement character, not an error", (t) => {
  const ship = bytes("🚢");
  t.deepEqual(split([bytes("ok\n"), ship.subarray(0, 2)]), ["ok", "\uFFFD"]);
});

test("a line longer than maxLength is an error as soon as it is, before its newline", (t) => {
  t.deepEqual(split(["12345\n", "1234\r\n", "123"], 5), ["12345", "1234", "123"]);
  t.deepEqual(split(["12345\r", "\n"], 5), ["12345"], "a CR waiting for its LF does not count");
  const splitter = new LineSplitter({ maxLength: 5 });
  t.deepEqual(splitter.push(bytes("ok\n1234")), ["ok"]);
  const error = t.throws(() => splitter.push(bytes("56")), { instanceOf: LineTooLongError });
  t.is(error.message, "a line is longer than 5 characters");
  t.throws(() => split(["ok\n123456\nok\n"], 5), { instanceOf: LineTooLongError });
  t.throws(() => split(["123456"], 5), { instanceOf: LineTooLongError });
});

test("readLines reads a Node stream and a fetch body", async (t) => {
  const node: string[] = [];
  for await (const line of readLines(
    Readable.from([Buffer.from("a\nb"), Buffer.from([0x63, 0x0a, 0xf0, 0x9f]), Buffer.from([0x9a, 0xa2])]),
  )) {
    node.push(line);
  }
  t.deepEqual(node, ["a", "bc", "🚢"]);
  const body = new Response(new Blob(["x\r\n", "y"]).stream()).body;
  if (body === null) throw new Error("no body");
  const fetched: string[] = [];
  for await (const line of readLines(body)) fetched.push(line);
  t.deepEqual(fetched, ["x", "y"]);
});
