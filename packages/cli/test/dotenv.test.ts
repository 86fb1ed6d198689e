import test from "ava";
import { parseDotenv, serializeDotenv } from "../src/commands/dotenv.ts";

test("serialized values parse back exactly, whatever they contain", (t) => {
  const values = { A: "plain", B: "with spaces", C: "a=b", D: "two\nlines\r\n", E: `"quoted" 'single' \\ $VAR #hash`, F: "" };
  t.deepEqual(parseDotenv(serializeDotenv(values)), values);
});

test("parses the common .env forms", (t) => {
  const text = "# comment\n\nexport A=1\nB = two words # note\nC='lit\\n$X'\nD=\"multi\nline\"\n";
  t.deepEqual(parseDotenv(text), { A: "1", B: "two words", C: "lit\\n$X", D: "multi\nline" });
});

test("an unterminated quote names the line", (t) => {
  t.throws(() => parseDotenv('A=1\nB="open\n', "x.env"), { message: /^x\.env:2: the value of B has no closing "/ });
});
