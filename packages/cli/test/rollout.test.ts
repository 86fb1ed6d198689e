import test from "ava";
import { berth, loggedIn } from "./helpers/berth.ts";
import { startController, type TestController } from "./helpers/controller.ts";
import { gatedDeployer } from "./helpers/deployer.ts";

const gate = gatedDeployer();
let controller: TestController;
let home: string;
test.before(async () => {
  controller = await startController({ deployer: gate.deployer });
  home = await loggedIn(controller.url);
  for (const app of ["slow", "broken", "spin", "abandoned", "limited", "probed", "overtaken", "batches"]) await berth(["create", app, "--no-remote"], { home });
});
test.after.always(() => controller?.close());

test("piped, config:set says it is deploying and then that the release is deployed", async (t) => {
  const result = await berth(["config:set", "A=1", "-a", "slow"], { home, onStderr: settleOnceShown("slow", "deploying v2") });
  t.is(result.code, 0, result.stderr);
  t.is(result.stderr, "deploying v2 of slow…\n✓ v2 of slow deployed\n");
});

test("a failed rollout is an error naming the reason, exit 1", async (t) => {
  const result = await berth(["config:set", "A=1", "-a", "broken"], {
    home,
    onStderr: settleOnceShown("broken", "deploying v2", "web.1 exited with code 1"),
  });
  t.is(result.code, 1);
  t.is(
    result.stderr,
    "deploying v2 of broken…\nerror: v2 of broken failed to deploy: web.1 exited with code 1\n" +
      "hint: the app keeps serving its previous release; `berth releases:info v2 -a broken` has the details\n",
  );
});

test("on a terminal a spinner runs until the release is deployed, then is cleared", async (t) => {
  const result = await berth(["config:set", "A=1", "-a", "spin"], { home, tty: true, onStderr: settleOnceShown("spin", "⠋ deploying v2") });
  t.is(result.code, 0, result.stderr);
  t.regex(result.stderr, /⠋ deploying v2 of spin…/);
  t.true(result.stderr.trimEnd().endsWith("✓ v2 of spin deployed"));
});

test("on a terminal the spinner shows the rollout's progress as each batch is recorded", async (t) => {
  let step = 0;
  const result = await berth(["config:set", "A=1", "-a", "batches"], {
    home,
    tty: true,
    onStderr: (stderr) => {
      if (step === 0 && stderr.includes("deploying v2 of batches…")) {
        step = 1;
        void gate.progress("batches", { phase: "rolling", type: "web", ready: 1, starting: 2, want: 2 });
      } else if (step === 1 && stderr.includes("deploying v2 of batches… 1/2 ready, 1 starting (web)")) {
        step = 2;
        void gate.settle("batches");
      }
    },
  });
  t.is(result.code, 0, result.stderr);
  t.regex(result.stderr, /deploying v2 of batches… 1\/2 ready, 1 starting \(web\)/);
  t.true(result.stderr.trimEnd().endsWith("✓ v2 of batches deployed"));
});

/** Ends the rollout once the CLI has shown that it is waiting for it. */
function settleOnceShown(app: string, text: string, failure?: string | { superseded: true }): (stderr: string) => void {
  let done = false;
  return (stderr) => {
    if (done || !stderr.includes(text)) return;
    done = true;
    void gate.settle(app, failure);
  };
}

test("Ctrl-C while waiting stops the wait, not the rollout, and exits with 130", async (t) => {
  const result = await berth(["config:set", "A=1", "-a", "abandoned"], { home, interruptOn: "deploying v2" });
  t.is(result.code, 130);
  t.is(
    result.stderr,
    "deploying v2 of abandoned…\nerror: stopped waiting for v2 of abandoned\nhint: the rollout goes on; `berth releases -a abandoned` shows how it ends\n",
  );
  const [release] = JSON.parse((await berth(["releases", "--json", "-a", "abandoned"], { home })).stdout);
  t.like(release, { version: 2, state: "pending" });
});

test("limits:set waits for its release's rollout like config:set", async (t) => {
  const result = await berth(["limits:set", "memory=256M", "-a", "limited"], {
    home,
    onStderr: settleOnceShown("limited", "deploying v2"),
  });
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "=== limited Limits\nTYPE  MEMORY  CPU\nweb   256M    unlimited\n");
  t.is(result.stderr, "deploying v2 of limited…\n✓ v2 of limited deployed\n");
});

test("a healthcheck whose rollout fails is an error naming the reason, exit 1", async (t) => {
  const result = await berth(["healthchecks:set", "path=/nope", "-a", "probed"], {
    home,
    onStderr: settleOnceShown("probed", "deploying v2", "web.1 never passed its healthcheck"),
  });
  t.is(result.code, 1);
  t.is(
    result.stderr,
    "deploying v2 of probed…\nerror: v2 of probed failed to deploy: web.1 never passed its healthcheck\n" +
      "hint: the app keeps serving its previous release; `berth releases:info v2 -a probed` has the details\n",
  );
});

test("a release a newer one took over is not an error: it says so and exits 0", async (t) => {
  const result = await berth(["config:set", "A=1", "-a", "overtaken"], {
    home,
    onStderr: settleOnceShown("overtaken", "deploying v2", { superseded: true }),
  });
  t.is(result.code, 0, result.stderr);
  t.is(
    result.stderr,
    "deploying v2 of overtaken…\nv2 of overtaken was taken over by a newer release before its rollout finished; `berth releases -a overtaken` shows how that one ends\n",
  );
});
