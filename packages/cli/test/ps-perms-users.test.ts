import test from "ava";
import { berth, loggedIn } from "./helpers/berth.ts";
import { startController, type TestController } from "./helpers/controller.ts";

let controller: TestController;
let home: string;
let bob: string;
test.before(async () => {
  controller = await startController();
  home = await loggedIn(controller.url);
  bob = await loggedIn(controller.url, "bob");
});
test.after.always(() => controller?.close());

test("scale sets the instances of the build's process types", async (t) => {
  await berth(["create", "scaled", "--no-remote"], { home });
  await berth(["pull", "web:1", "--procfile", "web: a; worker: b", "-a", "scaled"], { home });
  const result = await berth(["scale", "web=3", "worker=0", "-a", "scaled"], { home });
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "scaled scaled: web=3 worker=0\n");
  t.regex((await berth(["info", "-a", "scaled"], { home })).stdout, /processes: +web=3 worker=0/);
});

test("scale without a build, of an unknown type, or with a bad count says why", async (t) => {
  await berth(["create", "unscalable", "--no-remote"], { home });
  const noBuild = await berth(["ps:scale", "web=1", "-a", "unscalable"], { home });
  t.is(noBuild.code, 1);
  t.is(noBuild.stderr, 'error: app "unscalable" has no build to scale yet\nhint: deploy code first with `git push berth main`\n');
  await berth(["pull", "web:1", "-a", "unscalable"], { home });
  const unknown = await berth(["scale", "db=1", "-a", "unscalable"], { home });
  t.is(unknown.code, 1);
  t.regex(unknown.stderr, /error: process type "db" is not in the current build\nhint: the build's types are: web/);
  const bad = await berth(["scale", "web=lots", "-a", "unscalable"], { home });
  t.is(bad.code, 2);
  t.is(bad.stderr, 'error: "web=lots" is not TYPE=COUNT\nhint: e.g. `berth scale web=3 worker=1`\n');
});

test("perms:create shares an app, perms lists, perms:delete takes it back", async (t) => {
  await berth(["create", "shared", "--no-remote"], { home });
  t.is((await berth(["info", "-a", "shared"], { home: bob })).code, 1);
  t.is((await berth(["perms:create", "bob", "-a", "shared"], { home })).stdout, "bob may now use shared\n");
  t.is((await berth(["perms", "-a", "shared"], { home })).stdout, "=== shared Collaborators\nbob\n");
  t.deepEqual(JSON.parse((await berth(["perms", "--json", "-a", "shared"], { home })).stdout), ["bob"]);
  t.is((await berth(["info", "-a", "shared"], { home: bob })).code, 0);
  t.is((await berth(["perms:delete", "bob", "-a", "shared"], { home })).stdout, "bob may no longer use shared\n");
  t.is((await berth(["info", "-a", "shared"], { home: bob })).code, 1);
  t.regex((await berth(["perms", "-a", "shared"], { home })).stdout, /^only the owner of shared/);
});

test("perms of unknown users come back with the controller's message", async (t) => {
  await berth(["create", "lonely", "--no-remote"], { home });
  const grant = await berth(["perms:create", "ghost", "-a", "lonely"], { home });
  t.is(grant.code, 1);
  t.regex(grant.stderr, /^error: .*ghost.*\n/);
  const revoke = await berth(["perms:delete", "bob", "-a", "lonely"], { home });
  t.is(revoke.stderr, 'error: bob is not a collaborator on "lonely"\nhint: `berth perms` lists them\n');
});

test("users lists everyone for an administrator, marking administrators", async (t) => {
  const result = await berth(["users"], { home });
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /^USER +EMAIL +CREATED\nalice \* +- +\d{4}-.*\nbob +- +\d{4}-/);
});

test("users is refused to others", async (t) => {
  const result = await berth(["users"], { home: bob });
  t.is(result.code, 1);
  t.is(result.stderr, "error: only administrators may do this\n");
});
