import { type KubeConfig, type V1ReplicationController, Watch } from "@kubernetes/client-node";
import type { ExecutionContext } from "ava";

/**
 * Records every change of `spec.replicas` of the namespace's ReplicationControllers, as the API
 * server announces them on a watch: `["shop-v2-web=1", "shop-v3-web=1", "shop-v2-web=0", …]`.
 */
export async function recordReplicas(t: ExecutionContext, kc: KubeConfig, namespace: string): Promise<string[]> {
  const seen: string[] = [];
  const last = new Map<string, number>();
  const abort = await new Watch(kc).watch(
    `/api/v1/namespaces/${namespace}/replicationcontrollers`,
    {},
    (phase: string, rc: V1ReplicationController) => {
      const name = rc.metadata?.name ?? "";
      const replicas = phase === "DELETED" ? -1 : (rc.spec?.replicas ?? 0);
      if (last.get(name) === replicas || replicas < 0) return;
      last.set(name, replicas);
      seen.push(`${name}=${replicas}`);
    },
    () => {},
  );
  t.teardown(() => abort.abort());
  return seen;
}
