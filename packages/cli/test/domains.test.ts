import test from "ava";
import { berth, loggedIn, tempHome } from "./helpers/berth.ts";
import { startController, type TestController } from "./helpers/controller.ts";

let controller: TestController;
let home: string;
test.before(async () => {
  controller = await startController();
  home = await loggedIn(controller.url);
  for (const app of ["shop", "blog", "plain", "picky"]) await berth(["create", app, "--no-remote"], { home });
});
test.after.always(() => controller?.close());

test("domains:add routes a domain to the app, normalised; domains lists it; domains:remove takes it off", async (t) => {
  const added = await berth(["domains:add", "WWW.Shop.Example.", "-a", "shop"], { home });
  t.is(added.code, 0, added.stderr);
  t.is(added.stdout, "www.shop.example now routes to shop\n");
  t.is((await berth(["domains:add", "*.shop.example", "-a", "shop"], { home })).code, 0);
  const listed = await berth(["domains", "-a", "shop"], { home });
  t.regex(listed.stdout, /^=== shop Domains\nDOMAIN +ADDED\n\*\.shop\.example +\d{4}-\d\d-\d\d \d\d:\d\d UTC\nwww\.shop\.example +\d{4}-/);
  const json = JSON.parse((await berth(["domains:list", "--json", "-a", "shop"], { home })).stdout) as { domain: string; app: string }[];
  t.deepEqual(json.map((d) => [d.domain, d.app]).sort(), [
    ["*.shop.example", "shop"],
    ["www.shop.example", "shop"],
  ]);
  const removed = await berth(["domains:remove", "www.shop.example", "-a", "shop"], { home });
  t.is(removed.stdout, "www.shop.example no longer routes to shop\n");
  t.deepEqual(
    (JSON.parse((await berth(["domains", "--json", "-a", "shop"], { home })).stdout) as { domain: string }[]).map((d) => d.domain),
    ["*.shop.example"],
  );
});

test("an app without domains says how to add one", async (t) => {
  t.is(
    (await berth(["domains", "-a", "plain"], { home })).stdout,
    "plain has no custom domains: add one with `berth domains:add www.example.com -a plain`\n",
  );
});

test("a bad domain, one under the platform domain, or one another app has is refused with the controller's hint", async (t) => {
  const bad = await berth(["domains:add", "not_a_domain", "-a", "picky"], { home });
  t.is(bad.code, 1);
  t.is(bad.stderr, 'error: domain: "not_a_domain" is not a domain name\nhint: e.g. www.example.com\n');
  const platform = await berth(["domains:add", "x.localhost", "-a", "picky"], { home });
  t.is(platform.code, 1);
  t.is(
    platform.stderr,
    'error: domain: "x.localhost" is under the platform domain localhost\nhint: apps already answer at <app>.localhost\n',
  );
  await berth(["domains:add", "blog.example", "-a", "blog"], { home });
  const taken = await berth(["domains:add", "blog.example", "-a", "picky"], { home });
  t.is(taken.code, 1);
  t.is(taken.stderr, "error: blog.example belongs to another app\nhint: a domain routes to one app only; remove it there first\n");
  t.deepEqual(JSON.parse((await berth(["domains", "--json", "-a", "picky"], { home })).stdout), []);
});

test("removing a domain the app does not have, or giving none, says so", async (t) => {
  const missing = await berth(["domains:remove", "nowhere.example", "-a", "plain"], { home });
  t.is(missing.code, 1);
  t.is(missing.stderr, 'error: nowhere.example is not a domain of "plain"\nhint: `berth domains` lists them\n');
  const none = await berth(["domains:add", "-a", "plain"], { home });
  t.is(none.code, 2);
  t.is(none.stderr, "error: domains:add needs <domain>\nhint: see `berth help domains:add`\n");
});

test("domains need a login", async (t) => {
  const result = await berth(["domains:add", "a.example", "-a", "plain"], { home: await tempHome() });
  t.is(result.code, 1);
  t.regex(result.stderr, /^error: you are not logged in\n/);
});
