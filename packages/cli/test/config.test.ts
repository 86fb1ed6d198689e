import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import test from "ava";
import { parse } from "dotenv";
import { berth, createApp, loggedIn } from "./helpers/berth.ts";
import { startController, type TestController } from "./helpers/controller.ts";
import { tempRepo } from "./helpers/repo.ts";

let controller: TestController;
let home: string;
test.before(async () => {
  controller = await startController();
  home = await loggedIn(controller.url);
});
test.after.always(() => controller?.close());

const tricky = { SPACES: "hello big world", EQUALS: "a=b=c", LINES: "line one\nline two\n", QUOTES: `say "hi" it's $HOME \\n` };

const app = (name: string) => createApp(home, name);

async function values(name: string): Promise<Record<string, string>> {
  return JSON.parse((await berth(["config", "--json", "-a", name], { home })).stdout);
}

test("config:set makes a release, shows the values and waits for the rollout", async (t) => {
  await app("set-one");
  const result = await berth(["config:set", "GREETING=hello world", "-a", "set-one"], { home });
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "=== set-one Config\nKEY       VALUE\nGREETING  hello world\n");
  t.is(result.stderr, "✓ v2 of set-one deployed\n");
});

test("values with spaces, = and newlines round-trip exactly", async (t) => {
  await app("tricky");
  const args = Object.entries(tricky).map(([key, value]) => `${key}=${value}`);
  t.is((await berth(["config:set", ...args, "-a", "tricky"], { home })).code, 0);
  t.deepEqual(await values("tricky"), tricky);
});

test("config shows the values in a table; --json as an object", async (t) => {
  await app("shown");
  await berth(["config:set", "B=2", "A=1", "-a", "shown"], { home });
  t.is((await berth(["config", "-a", "shown"], { home })).stdout, "=== shown Config\nKEY  VALUE\nA    1\nB    2\n");
  t.deepEqual(await values("shown"), { A: "1", B: "2" });
});

test("config of an app without values says how to set some", async (t) => {
  await app("bare");
  t.is(
    (await berth(["config", "-a", "bare"], { home })).stdout,
    "bare has no config values: set some with `berth config:set KEY=value -a bare`\n",
  );
});

test("config:unset removes values", async (t) => {
  await app("unset-me");
  await berth(["config:set", "KEEP=1", "DROP=2", "-a", "unset-me"], { home });
  const result = await berth(["config:unset", "DROP", "-a", "unset-me"], { home });
  t.is(result.code, 0, result.stderr);
  t.deepEqual(await values("unset-me"), { KEEP: "1" });
  t.is(result.stderr, "✓ v3 of unset-me deployed\n");
});

test("bad KEY=value arguments are usage errors, and nothing is released", async (t) => {
  await app("bad-pairs");
  for (const bad of ["NOEQUALS", "=value"]) {
    const result = await berth(["config:set", "OK=1", bad, "-a", "bad-pairs"], { home });
    t.is(result.code, 2);
    t.is(
      result.stderr,
      `error: "${bad}" is not KEY=value\nhint: e.g. \`berth config:set GREETING='hello world'\`; quote values with spaces\n`,
    );
  }
  const unset = await berth(["config:unset", "A=1", "-a", "bad-pairs"], { home });
  t.is(unset.code, 2);
  t.deepEqual(await values("bad-pairs"), {});
  t.is(
    (await berth(["config:set", "-a", "bad-pairs"], { home })).stderr,
    "error: config:set needs KEY=value...\nhint: see `berth help config:set`\n",
  );
});

test("the controller's validation and no-change errors come through with their hints", async (t) => {
  await app("validated");
  const invalid = await berth(["config:set", "1BAD=x", "-a", "validated"], { home });
  t.is(invalid.code, 1);
  t.regex(invalid.stderr, /^error: .*not a valid variable name\nhint: use letters, digits and underscores/);
  await berth(["config:set", "SAME=1", "-a", "validated"], { home });
  const same = await berth(["config:set", "SAME=1", "-a", "validated"], { home });
  t.is(same.code, 1);
  t.regex(same.stderr, /^error: .*\n/);
});

test("--no-wait returns once the release is made", async (t) => {
  await app("no-wait");
  const result = await berth(["config:set", "A=1", "--no-wait", "-a", "no-wait"], { home });
  t.is(result.stderr, "v2 is rolling out; `berth releases -a no-wait` shows how it ends\n");
});

test("config:pull writes .env and config:push sets it on another app, exactly", async (t) => {
  const repo = await tempRepo(home);
  await app("pull-src");
  await app("push-dst");
  await berth(["config:set", ...Object.entries(tricky).map(([k, v]) => `${k}=${v}`), "-a", "pull-src"], { home });
  const pulled = await berth(["config:pull", "-a", "pull-src"], { home, cwd: repo });
  t.is(pulled.stdout, `wrote 4 values of pull-src to ${join(repo, ".env")}\n`);
  const pushed = await berth(["config:push", "-a", "push-dst"], { home, cwd: repo });
  t.is(pushed.code, 0, pushed.stderr);
  t.deepEqual(await values("push-dst"), tricky);
});

test("config:pull and config:push round-trip values that .env quoting can trip over", async (t) => {
  const repo = await tempRepo(home);
  await app("dotenv-src");
  await app("dotenv-dst");
  const wanted = {
    ...tricky,
    HASH: "a #b#c",
    EDGES: "  lead and trail  ",
    EMPTY: "",
    UNICODE: "ünï ☃ 🚢",
    QUOTES_ALL: "`cmd` 'one' \"two\"",
    WINDOWS: "C:\\new\\dir\\",
    CRLF: "one\r\ntwo",
    TAB: "a\tb",
  };
  const set = await berth(["config:set", ...Object.entries(wanted).map(([k, v]) => `${k}=${v}`), "-a", "dotenv-src"], { home });
  t.is(set.code, 0, set.stderr);
  t.is((await berth(["config:pull", "-a", "dotenv-src"], { home, cwd: repo })).code, 0);
  t.deepEqual(parse(await readFile(join(repo, ".env"), "utf8")), wanted, "dotenv itself reads the file back");
  const pushed = await berth(["config:push", "-a", "dotenv-dst"], { home, cwd: repo });
  t.is(pushed.code, 0, pushed.stderr);
  t.deepEqual(await values("dotenv-dst"), wanted);
});

test("config:pull keeps local values unless -o", async (t) => {
  const repo = await tempRepo(home);
  await app("merge-me");
  await berth(["config:set", "SHARED=remote", "ONLY_REMOTE=r", "-a", "merge-me"], { home });
  await writeFile(join(repo, ".env"), "SHARED=local\nONLY_LOCAL=l\n");
  await berth(["config:pull", "-a", "merge-me"], { home, cwd: repo });
  t.is(await readFile(join(repo, ".env"), "utf8"), 'ONLY_LOCAL="l"\nONLY_REMOTE="r"\nSHARED="local"\n');
  await berth(["config:pull", "-o", "-a", "merge-me"], { home, cwd: repo });
  t.is(await readFile(join(repo, ".env"), "utf8"), 'ONLY_REMOTE="r"\nSHARED="remote"\n');
});

test("config:push -p reads another file; a missing or broken file is a clear error", async (t) => {
  const repo = await tempRepo(home);
  await app("push-file");
  await writeFile(join(repo, "prod.env"), "# production\nexport MODE=prod\nURL='http://x/?a=1'\n");
  t.is((await berth(["config:push", "-p", "prod.env", "-a", "push-file"], { home, cwd: repo })).code, 0);
  t.deepEqual(await values("push-file"), { MODE: "prod", URL: "http://x/?a=1" });
  const missing = await berth(["config:push", "-a", "push-file"], { home, cwd: repo });
  t.is(missing.code, 2);
  t.regex(missing.stderr, /\.env does not exist/);
  await writeFile(join(repo, "bad.env"), "GOOD=1\nnot a pair\n");
  const broken = await berth(["config:push", "-p", "bad.env", "-a", "push-file"], { home, cwd: repo });
  t.is(broken.code, 1);
  t.regex(broken.stderr, /bad\.env:2: "not a pair" is not KEY=value/);
});
