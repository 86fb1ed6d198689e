import { setTimeout as sleep } from "node:timers/promises";
import type { ReleaseStatus } from "@berth/api";
import type { Deployer } from "../../src/deployer.ts";
import type { ReleaseHub } from "../../src/services/release-hub.ts";
import { insertRollout } from "../../src/store/rollouts.ts";

/**
 * A deployer that claims the app's rollout slot for each release and then does nothing: the release
 * stays pending, with its rollout recorded, until the test changes the store itself (and tells the
 * hub, as the real deployer does).
 */
export function heldDeployer(): Deployer {
  return {
    async accept(tx, app, version) {
      await insertRollout(tx, { app, version, kind: "deploy", phase: "rolling", plan: { formation: {}, previous: null } });
    },
    async deploy() {},
    async scale() {},
    async restart() {},
    async pods() {
      return [];
    },
    async logs() {
      return [];
    },
    async destroy() {},
  };
}

/** Resolves once `count` long-polls of the app are held by the controller (or once `stop` says so). */
export async function held(hub: ReleaseHub, app: string, count = 1, stop: () => boolean = () => false): Promise<void> {
  while (hub.waiting(app) < count && !stop()) await sleep(5);
}

/** Tracks whether a long-poll has answered yet. */
export function answered(promise: Promise<ReleaseStatus>): { promise: Promise<ReleaseStatus>; done: () => boolean } {
  let done = false;
  const tracked = promise.finally(() => {
    done = true;
  });
  return { promise: tracked, done: () => done };
}

/**
 * Whether the long-poll answers without being held (again): the controller listens only while it
 * has nothing to answer, so a poll that should answer never shows up as waiting.
 */
export async function answersUnheld(hub: ReleaseHub, app: string, poll: { promise: Promise<ReleaseStatus>; done: () => boolean }): Promise<boolean> {
  await Promise.race([poll.promise, held(hub, app, 1, poll.done)]);
  return poll.done();
}
