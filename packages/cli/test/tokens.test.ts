import { hostname } from "node:os";
import test from "ava";
import { berth, tempHome } from "./helpers/berth.ts";
import { startController, type TestController } from "./helpers/controller.ts";

let controller: TestController;
test.before(async () => {
  controller = await startController();
});
test.after.always(() => controller?.close());

interface Listed {
  id: string;
  label: string;
  current: boolean;
  lastUsed: string | null;
}

/** Two homes logged in as the same new user: two sessions, two tokens. */
async function twoSessions(username: string): Promise<[string, string]> {
  const first = await tempHome();
  const registered = await berth(["register", controller.url, "--username", username, "--password", "some-password"], { home: first });
  if (registered.code !== 0) throw new Error(registered.stderr);
  const second = await tempHome();
  const login = await berth(["login", controller.url, "--username", username, "--password", "some-password"], { home: second });
  if (login.code !== 0) throw new Error(login.stderr);
  return [first, second];
}

test("auth:tokens lists your sessions, this one marked, each labelled with the client and machine", async (t) => {
  const [, second] = await twoSessions("lister");
  const result = await berth(["auth:tokens"], { home: second });
  t.is(result.code, 0, result.stderr);
  const [header, ...rows] = result.stdout.trimEnd().split("\n");
  t.regex(header ?? "", /^ID\s+LABEL\s+CREATED\s+LAST USED$/);
  t.is(rows.length, 2);
  const agent = `berth-cli/0.1.0 (${hostname()})`;
  t.true(rows[0]?.includes(` * `) && rows[0]?.includes(`login via ${agent}`), rows[0]);
  t.true(rows[1]?.includes(`registration via ${agent}`) && !rows[1]?.includes(" * "), rows[1]);
  t.regex(rows[1] ?? "", /never$/, "the other session has not been used since");
  const json = JSON.parse((await berth(["auth:tokens", "--json"], { home: second })).stdout) as Listed[];
  t.deepEqual(
    json.map((token) => token.current),
    [true, false],
  );
});

test("auth:tokens:revoke ends the session that token belongs to", async (t) => {
  const [first, second] = await twoSessions("revoker");
  const listed = JSON.parse((await berth(["auth:tokens", "--json"], { home: second })).stdout) as Listed[];
  const other = listed.find((token) => !token.current);
  const result = await berth(["auth:tokens:revoke", other?.id ?? ""], { home: second });
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, `revoked token ${other?.id} (${other?.label})\n`);
  t.is(result.stderr, "");
  t.is((await berth(["whoami"], { home: first })).code, 1);
  t.is((await berth(["whoami"], { home: second })).code, 0);
});

test("auth:tokens:revoke of this session's own token says to log in again", async (t) => {
  const [, second] = await twoSessions("self-revoker");
  const listed = JSON.parse((await berth(["auth:tokens", "--json"], { home: second })).stdout) as Listed[];
  const mine = listed.find((token) => token.current);
  const result = await berth(["auth:tokens:revoke", mine?.id ?? ""], { home: second });
  t.is(result.code, 0, result.stderr);
  t.is(result.stderr, "that was this session's token: log in again with `berth login`\n");
  t.is((await berth(["whoami"], { home: second })).code, 1);
});

test("auth:tokens:revoke of an id that is not yours is the controller's 404 with a hint", async (t) => {
  const [, second] = await twoSessions("wrong-id");
  const result = await berth(["auth:tokens:revoke", "000000000000"], { home: second });
  t.is(result.code, 1);
  t.is(result.stderr, 'error: you have no token "000000000000"\nhint: `berth auth:tokens` lists yours\n');
});
