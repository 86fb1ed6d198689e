import test from "ava";
import { berth, loggedIn } from "./helpers/berth.ts";
import { startController, type TestController } from "./helpers/controller.ts";
import { slowDeployer } from "./helpers/deployer.ts";

const failures = new Map([["broken", "web.1 exited with code 1"]]);
let controller: TestController;
let home: string;
test.before(async () => {
  controller = await startController({ deployer: slowDeployer(failures) });
  home = await loggedIn(controller.url);
  for (const app of ["slow", "broken", "spin"]) await berth(["create", app, "--no-remote"], { home });
});
test.after.always(() => controller?.close());

test("piped, config:set says it is deploying and then that the release is deployed", async (t) => {
  const result = await berth(["config:set", "A=1", "-a", "slow"], { home });
  t.is(result.code, 0, result.stderr);
  t.is(result.stderr, "deploying v2 of slow…\n✓ v2 of slow deployed\n");
});

test("a failed rollout is an error naming the reason, exit 1", async (t) => {
  const result = await berth(["config:set", "A=1", "-a", "broken"], { home });
  t.is(result.code, 1);
  t.is(
    result.stderr,
    "deploying v2 of broken…\nerror: v2 of broken failed to deploy: web.1 exited with code 1\n" +
      "hint: the app keeps serving its previous release; `berth releases:info v2 -a broken` has the details\n",
  );
});

test("on a terminal a spinner runs until the release is deployed, then is cleared", async (t) => {
  const result = await berth(["config:set", "A=1", "-a", "spin"], { home, tty: true });
  t.is(result.code, 0, result.stderr);
  t.regex(result.stderr, /⠋ deploying v2 of spin…/);
  t.true(result.stderr.trimEnd().endsWith("✓ v2 of spin deployed"));
});
