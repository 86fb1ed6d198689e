import test from "ava";
import { parse } from "dotenv";
import { parseDotenv, serializeDotenv } from "../src/commands/dotenv.ts";

const fragments = [
  "plain",
  " ",
  "  ",
  "#",
  " # not a comment",
  "=",
  "a=b",
  '"',
  "'",
  "`",
  "\\",
  "\\n",
  "\\r",
  "\n",
  "\r\n",
  "\r",
  "$HOME",
  `$\{X}`,
  "ünï ☃ 🚢",
  "\t",
  "",
];

/** Every value of one or two fragments, and some of three: what .env quoting can trip over. */
function trickyValues(): string[] {
  const values = new Set<string>();
  for (const a of fragments) {
    values.add(a);
    for (const b of fragments) values.add(a + b);
  }
  for (const [i, a] of fragments.entries())
    values.add(`${a}x${fragments[(i * 7 + 3) % fragments.length]}y${fragments[(i * 5 + 1) % fragments.length]}`);
  return [...values];
}

/** Values serializeDotenv refuses (see the test below); everything else must round-trip. */
const writable = (value: string) => {
  try {
    serializeDotenv({ K: value });
    return true;
  } catch {
    return false;
  }
};

test("each value written reads back exactly, with dotenv's own parser", (t) => {
  const values = trickyValues();
  const unwritable = values.filter((value) => !writable(value));
  for (const value of values.filter(writable)) t.is(parse(serializeDotenv({ K: value })).K, value, JSON.stringify(value));
  // dotenv has no escape for a quote or a backslash and reads a lone \r as a line break, so only
  // these are refused: a backslash at the end of a value that needs quotes, a \r beside a literal
  // \n or \r, and every kind of quote with what needs quotes.
  const needsQuotes = (value: string) => /^\s|\s$|#|[\n\r]/.test(value);
  const refusable = (value: string) =>
    (value.endsWith("\\") && needsQuotes(value)) ||
    (value.includes("\r") && /\\[nr]/.test(value)) ||
    (['"', "'", "`"].every((q) => value.includes(q)) && (needsQuotes(value) || /\\[nr]/.test(value)));
  t.deepEqual(
    unwritable.filter((value) => !refusable(value)),
    [],
  );
  t.true(values.length > 400 && unwritable.length < 30);
});

test("a whole file of tricky values reads back exactly", (t) => {
  const values = Object.fromEntries(
    trickyValues()
      .filter(writable)
      .map((value, i) => [`KEY_${i}`, value]),
  );
  t.deepEqual(parseDotenv(serializeDotenv(values)), values);
});

test("plain values are written in double quotes", (t) => {
  t.is(serializeDotenv({ B: "two words", A: "1", C: "line\nbreak" }), 'A="1"\nB="two words"\nC="line\\nbreak"\n');
});

test("a value dotenv cannot read back is refused with a hint", (t) => {
  t.throws(() => serializeDotenv({ MIXED: `"a" 'b' \`c\` #d` }), {
    message: "the value of MIXED cannot be written to a .env file so that it reads back the same",
  });
});

test("parses the common .env forms", (t) => {
  const text = "# comment\n\nexport A=1\nB = two words # note\nC='lit\\n$X'\nD=\"multi\nline\"\r\nE=`back\ntick`\nF: colon\n";
  t.deepEqual(parseDotenv(text), { A: "1", B: "two words", C: "lit\\n$X", D: "multi\nline", E: "back\ntick", F: "colon" });
});

test("an unterminated quote names the line", (t) => {
  t.throws(() => parseDotenv('A=1\nB="open\nC=2\n', "x.env"), { message: /^x\.env:2: the value of B has no closing "/ });
  t.throws(() => parseDotenv("A='x\\'", "x.env"), { message: /^x\.env:1: the value of A has no closing '/ });
});

test("a line that is not KEY=value names the line, after a multi-line value too", (t) => {
  t.throws(() => parseDotenv('A="one\ntwo"\nnot a pair\n', "x.env"), { message: 'x.env:3: "not a pair" is not KEY=value' });
  t.deepEqual(parseDotenv('A="one\nnot a pair"\n'), { A: "one\nnot a pair" });
});
