import test from "ava";
import { berth, createApp, loggedIn } from "./helpers/berth.ts";
import { startController, type TestController } from "./helpers/controller.ts";

let controller: TestController;
let home: string;
test.before(async () => {
  controller = await startController();
  home = await loggedIn(controller.url);
});
test.after.always(() => controller?.close());

/** An app with v1 (created), v2 (image web:1), v3 (config A=1). */
async function history(name: string): Promise<string> {
  await createApp(home, name);
  await berth(["pull", "web:1", "-a", name], { home });
  await berth(["config:set", "A=1", "-a", name], { home });
  return name;
}

test("releases lists the history newest first, aligned", async (t) => {
  await history("hist");
  const lines = (await berth(["releases", "-a", "hist"], { home })).stdout.trimEnd().split("\n");
  t.is(lines[0], "=== hist Releases");
  t.regex(lines[1] ?? "", /^VERSION +STATE +OWNER +CREATED +SUMMARY$/);
  t.regex(lines[2] ?? "", /^v3 +deployed +alice +\d{4}-\d\d-\d\d \d\d:\d\d UTC +.*A/);
  t.regex(lines[3] ?? "", /^v2 +superseded +alice /);
  t.regex(lines[4] ?? "", /^v1 +superseded +alice /);
  t.is(lines[2]?.indexOf("alice"), lines[3]?.indexOf("alice"));
});

test("releases:info shows one release; --json for scripts", async (t) => {
  await history("one");
  const result = await berth(["releases:info", "v2", "-a", "one"], { home });
  t.regex(result.stdout, /^=== one Release v2\nstate: +superseded\nsummary: +.*web:1/);
  t.like(JSON.parse((await berth(["releases:info", "3", "--json", "-a", "one"], { home })).stdout), { version: 3, state: "deployed" });
});

test("releases:info of a bad or unknown version says what to do", async (t) => {
  await history("missing");
  const bad = await berth(["releases:info", "latest", "-a", "missing"], { home });
  t.is(bad.code, 2);
  t.is(bad.stderr, 'error: "latest" is not a release version\nhint: use v1, v2, … (`berth releases` lists them)\n');
  const unknown = await berth(["releases:info", "v99", "-a", "missing"], { home });
  t.is(unknown.code, 1);
  t.is(unknown.stderr, 'error: release v99 of "missing" not found\nhint: `berth releases` lists them\n');
});

test("rollback goes back to the release before the live one as a new release", async (t) => {
  await history("back");
  const result = await berth(["rollback", "-a", "back"], { home });
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /^v4: .*v2/);
  t.is(result.stderr, "✓ v4 of back deployed\n");
  t.deepEqual(JSON.parse((await berth(["config", "--json", "-a", "back"], { home })).stdout), {});
});

test("releases:rollback vN goes to that release; v1 (no build) is refused", async (t) => {
  await history("target");
  await berth(["config:set", "A=2", "-a", "target"], { home });
  t.is((await berth(["releases:rollback", "v3", "-a", "target"], { home })).code, 0);
  t.deepEqual(JSON.parse((await berth(["config", "--json", "-a", "target"], { home })).stdout), { A: "1" });
  const refused = await berth(["rollback", "v1", "-a", "target"], { home });
  t.is(refused.code, 1);
  t.regex(refused.stderr, /^error: cannot roll back to v1: it has no build\nhint: /);
});
