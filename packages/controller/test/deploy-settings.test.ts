import test from "ava";
import { validateConfigChange } from "../src/domain/config.ts";
import { deploySettings } from "../src/domain/deploy-settings.ts";
import { readinessCheck } from "../src/rollout/spec.ts";

const defaults = { batchSize: 1, timeoutMs: 120_000, watchMs: 10_000 };

test("reads BERTH_DEPLOY_BATCHES, BERTH_DEPLOY_TIMEOUT and BERTH_DEPLOY_WATCH (seconds) from an app's config", (t) => {
  t.deepEqual(deploySettings({ BERTH_DEPLOY_BATCHES: "3", BERTH_DEPLOY_TIMEOUT: "30", BERTH_DEPLOY_WATCH: "2.5" }, defaults), {
    batchSize: 3,
    timeoutMs: 30_000,
    watchMs: 2500,
  });
  t.deepEqual(deploySettings({ BERTH_DEPLOY_WATCH: "0" }, defaults), { ...defaults, watchMs: 0 }, "0 turns the watch off");
  t.deepEqual(deploySettings({}, defaults), defaults);
});

test("refuses rollout settings that are not positive numbers, naming the field", (t) => {
  for (const [key, value] of [
    ["BERTH_DEPLOY_BATCHES", "0"],
    ["BERTH_DEPLOY_BATCHES", "two"],
    ["BERTH_DEPLOY_TIMEOUT", "-5"],
    ["BERTH_DEPLOY_TIMEOUT", "0"],
    ["BERTH_DEPLOY_WATCH", "-1"],
    ["BERTH_DEPLOY_WATCH", "an hour"],
    ["BERTH_DEPLOY_WATCH", "3601"],
  ] as const) {
    const error = t.throws(() => validateConfigChange({ values: { [key]: value } }));
    t.regex(error?.message ?? "", new RegExp(`^values\\.${key}: must be`));
  }
  t.notThrows(() => validateConfigChange({ values: { BERTH_DEPLOY_BATCHES: "2", BERTH_DEPLOY_TIMEOUT: "0.5" } }));
});

test("web and cmd are checked by TCP on $PORT by default, other types only have to run", (t) => {
  t.is(readinessCheck("web", undefined).mode, "tcp");
  t.is(readinessCheck("cmd", undefined).mode, "tcp");
  t.is(readinessCheck("worker", undefined).mode, "running");
  t.is(readinessCheck("worker", { timeout: 3 }).mode, "tcp", "a configured check without a path is a TCP check");
  t.deepEqual(readinessCheck("web", { path: "/health", initialDelay: 5 }), {
    mode: "http",
    path: "/health",
    initialDelay: 5,
    timeout: 2,
    period: 2,
    failureThreshold: 3,
  });
});
