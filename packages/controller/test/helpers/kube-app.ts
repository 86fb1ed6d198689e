import type { ExecutionContext } from "ava";
import type { KubernetesSchedulerOptions } from "../../src/scheduler/kubernetes/scheduler.ts";
import { podsEventually, removedAfter, testCluster, uniqueApp } from "./cluster.ts";
import type { RolloutDeployerOptions } from "../../src/rollout/rollout-deployer.ts";
import { fixtureWith } from "./deploy-fixture.ts";
import type { TestBackend } from "./test-store.ts";

/** An app on the real cluster with the real client, driven by the real deployer over SQLite. */
export async function setup(
  t: ExecutionContext,
  formation: Record<string, number> = { web: 1 },
  options: KubernetesSchedulerOptions = {},
  store: { backend: TestBackend; deployer?: RolloutDeployerOptions } = { backend: "sqlite" },
) {
  const cluster = await testCluster(options);
  const app = uniqueApp();
  removedAfter(t, cluster, app);
  const f = await fixtureWith(t, store.backend, cluster.scheduler, { pollMs: 100, timeoutMs: 20_000, ...store.deployer }, app);
  await f.formation(formation);
  return { ...f, ...cluster };
}
export type Setup = Awaited<ReturnType<typeof setup>>;

/** The ready `ip:port`s behind the app's web Service, once there are `count` of them (the endpoints controller is asynchronous). */
export async function endpoints(f: Setup, count: number): Promise<{ address: string; pod: string }[]> {
  return podsEventually(
    f.core,
    f.app,
    async () => {
      const found = await f.core.readNamespacedEndpoints({ name: `${f.app}-web`, namespace: f.app }).catch(() => undefined);
      const all = (found?.subsets ?? []).flatMap((s) =>
        (s.addresses ?? []).map((a) => ({ address: `${a.ip}:${s.ports?.[0]?.port}`, pod: a.targetRef?.name ?? "" })),
      );
      return all.length === count ? all : undefined;
    },
    `${count} ready endpoints of ${f.app}-web`,
  );
}

/** What each of the web Service's `count` endpoints answers on /cgi-bin/env. */
export async function served(f: Setup, count: number): Promise<string[]> {
  const found = await endpoints(f, count);
  return Promise.all(found.map(async (e) => (await (await fetch(`http://${e.address}/cgi-bin/env`)).text()).split(" port=")[0] ?? ""));
}

export async function rcNames(f: Setup): Promise<string[]> {
  return (await f.core.listNamespacedReplicationController({ namespace: f.app })).items.map((rc) => rc.metadata?.name ?? "").sort();
}

/** busybox httpd on `$PORT`, serving `/cgi-bin/env` (see test-image.ts). */
export const serve = "exec httpd -f -p $PORT -h /www";

/**
 * GETs of `http://<address>/cgi-bin/env` on fresh connections, four at a time, until `stop()`: what
 * each answered, and every request that did not get a 200.
 */
export function serviceLoad(address: string): { stop(): Promise<{ total: number; failures: string[]; releases: Set<string> }> } {
  let done = false;
  let total = 0;
  const failures: string[] = [];
  const releases = new Set<string>();
  const started = Date.now();
  const client = async () => {
    while (!done) {
      total++;
      try {
        const reply = await fetch(`http://${address}/cgi-bin/env`, { headers: { connection: "close" }, signal: AbortSignal.timeout(5000) });
        const body = await reply.text();
        if (reply.status === 200) releases.add(/release=(v\d+)/.exec(body)?.[1] ?? "?");
        else failures.push(`${Date.now() - started} ms: ${reply.status} ${body.slice(0, 80)}`);
      } catch (error) {
        failures.push(`${Date.now() - started} ms: ${(error as Error).cause ?? error}`);
      }
    }
  };
  const running = Promise.all([client(), client(), client(), client()]);
  return {
    async stop() {
      done = true;
      await running;
      return { total, failures, releases };
    },
  };
}
