import type { ExecutionContext } from "ava";
import type { AppEvent } from "../../src/rollout/app-events.ts";
import { type DeployFixture, deployed } from "./deploy-fixture.ts";
import { eventually } from "./eventually.ts";

/**
 * Deploys a worker that exits with code 3 after 3 s while the deployer watches for crashes with its
 * periodic look 10 minutes off — so only the engine's watch can report the crash in time — and
 * returns the crash event that arrives.
 */
export async function crashReportedByWatch(
  t: ExecutionContext,
  f: Pick<DeployFixture, "build" | "settle" | "formation" | "release" | "events" | "deployer">,
  image: string,
): Promise<AppEvent> {
  await f.formation({ worker: 1 });
  f.deployer.watchCrashes({ intervalMs: 600_000 });
  const v2 = await deployed(f, image, { worker: "sleep 3; exit 3" });
  t.is((await f.release(v2)).state, "deployed", (await f.release(v2)).failure ?? "");
  t.false(
    f.events.some((e) => e.kind === "crash"),
    "nothing crashed yet",
  );
  const crash = await eventually(async () => f.events.find((e) => e.kind === "crash"), "a crash event", 15_000);
  t.is(crash.release, "v2");
  return crash;
}
