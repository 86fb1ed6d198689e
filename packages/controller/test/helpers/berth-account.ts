import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { CoreV1Api, KubeConfig, loadYaml, RbacAuthorizationV1Api, type V1ClusterRole } from "@kubernetes/client-node";

const README = fileURLToPath(new URL("../../../../README.md", import.meta.url));
const NAMESPACE = "berth-system";
const ACCOUNT = "berth";

/** The ClusterRole README.md tells cluster operators to give Berth: its `yaml` block, as written there. */
export async function documentedClusterRole(): Promise<V1ClusterRole> {
  const readme = await readFile(README, "utf8");
  const block = /```yaml\n(apiVersion: rbac\.authorization\.k8s\.io\/v1\nkind: ClusterRole\n[\s\S]*?)```/.exec(readme)?.[1];
  if (block === undefined) throw new Error("README.md has no ClusterRole block for Berth's service account");
  return loadYaml<V1ClusterRole>(block);
}

/** Creates an object unless it is there already (concurrent test files make the same ones). */
async function ensure(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if ((error as { code?: number }).code !== 409) throw error;
  }
}

/**
 * A kubeconfig that acts as Berth's service account does in a user's cluster: the ServiceAccount
 * `berth-system/berth`, bound to the ClusterRole README.md documents (kept equal to it), with a token
 * from the TokenRequest API. Under the cluster's real RBAC, a rule the README leaves out fails a test.
 * `admin` is the cluster's administrator, who sets this up.
 */
export async function berthAccount(admin: KubeConfig): Promise<KubeConfig> {
  const core = admin.makeApiClient(CoreV1Api);
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  const role = await documentedClusterRole();
  const name = role.metadata?.name ?? "berth-controller";
  await ensure(() => core.createNamespace({ body: { metadata: { name: NAMESPACE } } }));
  await ensure(() => core.createNamespacedServiceAccount({ namespace: NAMESPACE, body: { metadata: { name: ACCOUNT } } }));
  try {
    await rbac.createClusterRole({ body: role });
  } catch (error) {
    if ((error as { code?: number }).code !== 409) throw error;
    const current = await rbac.readClusterRole({ name });
    const resourceVersion = current.metadata?.resourceVersion;
    const metadata = { ...role.metadata, ...(resourceVersion === undefined ? {} : { resourceVersion }) };
    await rbac.replaceClusterRole({ name, body: { ...role, metadata } });
  }
  await ensure(() =>
    rbac.createClusterRoleBinding({
      body: {
        metadata: { name: `${name}-tests` },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
        subjects: [{ kind: "ServiceAccount", name: ACCOUNT, namespace: NAMESPACE }],
      },
    }),
  );
  const { status } = await core.createNamespacedServiceAccountToken({
    name: ACCOUNT,
    namespace: NAMESPACE,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const token = status?.token;
  if (token === undefined) throw new Error("the TokenRequest API gave no token for Berth's service account");
  const cluster = admin.getCurrentCluster();
  if (cluster === null) throw new Error("the cluster's kubeconfig names no current cluster");
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: ACCOUNT, token }],
    contexts: [{ name: ACCOUNT, cluster: cluster.name, user: ACCOUNT }],
    currentContext: ACCOUNT,
  });
  return kc;
}
