import test from "ava";
import { waitReady } from "../src/rollout/wait.ts";
import type { GroupSpec, Instance, Scheduler } from "../src/scheduler/types.ts";

const spec: GroupSpec = {
  app: "shop",
  release: 2,
  type: "web",
  image: "shop:2",
  command: undefined,
  env: {},
  limits: undefined,
  readiness: { mode: "tcp", path: undefined, initialDelay: 0, timeout: 1, period: 10, failureThreshold: 3 },
};

/** An engine whose one instance becomes ready after `readyAfterMs`; it announces changes when `announces`. */
function engine(readyAfterMs: number, announces: boolean): Scheduler & { looks: number } {
  const born = Date.now();
  let listener: (() => void) | undefined;
  setTimeout(() => listener?.(), readyAfterMs);
  const instance = (): Instance => ({
    ...spec,
    name: "shop-v2-web-1",
    index: 1,
    state: "running",
    ready: Date.now() - born >= readyAfterMs,
    started: null,
    restarts: 0,
    exitCode: null,
    address: "127.0.0.1:5000",
  });
  const unused = async () => {
    throw new Error("not used by waitReady");
  };
  const fake: Scheduler & { looks: number } = {
    looks: 0,
    async listGroups() {
      fake.looks += 1;
      return [{ app: spec.app, release: spec.release, type: spec.type, replicas: 1, instances: [instance()] }];
    },
    createGroup: unused,
    scaleGroup: unused,
    removeInstances: unused,
    deleteGroup: unused,
    logs: unused,
    destroyApp: unused,
  };
  if (announces) {
    fake.watchChanges = (_app, onChange, signal) => {
      listener = onChange;
      signal.addEventListener("abort", () => (listener = undefined), { once: true });
    };
  }
  return fake;
}

test("with a watch, a readiness wait looks again as soon as the engine announces a change", async (t) => {
  const fake = engine(150, true);
  const started = Date.now();
  await waitReady(fake, spec, 1, { timeoutMs: 30_000, pollMs: 10_000, signal: new AbortController().signal });
  t.true(Date.now() - started < 2000, "not the 10 s fallback period");
  t.is(fake.looks, 2, "one look at the start, one on the change: no polling in between");
});

test("without a watch, starting instances are looked at often, not once per period", async (t) => {
  const fake = engine(300, false);
  const started = Date.now();
  await waitReady(fake, spec, 1, { timeoutMs: 30_000, pollMs: 10_000, signal: new AbortController().signal });
  t.true(Date.now() - started < 2000);
  t.true(fake.looks >= 2);
});
