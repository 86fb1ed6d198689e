import type { ConfigChange, Formation, Procfile } from "@berth/api";
import type { ExecutionContext } from "ava";
import { type Logger, silentLogger } from "../../src/logger.ts";
import type { AppEvent } from "../../src/rollout/app-events.ts";
import type { RouterBoard } from "../../src/route-table/router-board.ts";
import type { Scheduler } from "../../src/scheduler/types.ts";
import { RolloutDeployer, type RolloutDeployerOptions } from "../../src/rollout/rollout-deployer.ts";
import { createAppWithRelease, releaseBuild, releaseConfig, type ReleaseDeps } from "../../src/services/releases.ts";
import { setAppStructure } from "../../src/store/apps.ts";
import type { Store } from "../../src/store/open.ts";
import { findRelease } from "../../src/store/releases.ts";
import { insertUser } from "../../src/store/users.ts";
import { FakeScheduler } from "./fake-scheduler.ts";
import { openTestStore, type TestBackend } from "./test-store.ts";

export const APP = "shop";

/** A store with one user and the app `shop`, a fake scheduler and a deployer over both. */
export function deployFixture(t: ExecutionContext, backend: TestBackend, options: RolloutDeployerOptions & { routers?: RouterBoard } = {}) {
  return fixtureWith(t, backend, new FakeScheduler(), options);
}

/** The same over any scheduler (the real docker one in integration tests). */
export async function fixtureWith<S extends Scheduler>(
  t: ExecutionContext,
  backend: TestBackend,
  scheduler: S,
  options: RolloutDeployerOptions & { routers?: RouterBoard; logger?: Logger } = {},
  app = APP,
) {
  const store = await openTestStore(backend);
  t.teardown(() => store.close());
  const { routers, logger = silentLogger, ...rest } = options;
  const deployerOptions = { pollMs: 2, timeoutMs: 400, ...rest };
  const events: AppEvent[] = [];
  /** `onRoutesChanged` sees each route table change with its version (counting from 1). */
  const hooks: { onRoutesChanged?: (app: string, version: number) => void; version: number } = { version: 0 };
  /** Another deployer over the same store: a restarted controller, or (over its own scheduler) a second replica. */
  const newDeployer = (over: Scheduler = scheduler) => {
    const made = new RolloutDeployer(
      {
        store,
        scheduler: over,
        logger,
        events: (e) => events.push(e),
        onRoutesChanged: (a) => {
          hooks.version += 1;
          hooks.onRoutesChanged?.(a, hooks.version);
          return hooks.version;
        },
        ...(routers === undefined ? {} : { routers }),
      },
      deployerOptions,
    );
    t.teardown(() => made.close());
    return made;
  };
  const deployer = newDeployer();
  const row = await insertUser(store.db, { username: "ada", email: "ada@example.com", passwordHash: "x", isAdmin: true });
  const actor = { id: row.id, username: row.username };
  const deps: ReleaseDeps = { store, deployer, logger: silentLogger };
  await createAppWithRelease(deps, app, actor);
  return {
    app,
    events,
    hooks,
    store,
    scheduler,
    deployer,
    deps,
    actor,
    newDeployer,
    /** Pushes an image as a new build (and release); resolves once the rollout started. */
    build: async (image: string, procfile: Procfile = {}, sha = "") =>
      (await releaseBuild(deps, app, actor, { image, sha, procfile, kind: "image" })).version,
    config: (change: ConfigChange) => releaseConfig(deps, app, actor, change),
    formation: (formation: Formation) => setAppStructure(store.db, app, formation),
    release: async (version: number) => {
      const found = await findRelease(store.db, app, version);
      if (found === undefined) throw new Error(`no release v${version}`);
      return found;
    },
    settle: () => deployer.idle(app),
  };
}

export type DeployFixture = Awaited<ReturnType<typeof deployFixture>>;

/** Deploys `image` and waits for the rollout to end (deployed or failed). */
export async function deployed(f: Pick<DeployFixture, "build" | "settle">, image: string, procfile?: Procfile, sha?: string) {
  const version = await f.build(image, procfile, sha);
  await f.settle();
  return version;
}

export function ref(release: number, type = "web") {
  return { app: APP, release, type };
}

export type { Store };
