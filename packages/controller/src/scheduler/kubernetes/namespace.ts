import type { CoreV1Api } from "@kubernetes/client-node";
import { BerthError } from "../../errors.ts";
import { request, tolerate } from "./errors.ts";
import { HERITAGE } from "./labels.ts";
import { namespaceManifest, pullSecretManifest } from "./manifests.ts";
import { objectName } from "./names.ts";

type NamespaceClient = Pick<CoreV1Api, "createNamespace" | "readNamespace" | "createNamespacedSecret" | "replaceNamespacedSecret">;

/**
 * Creates the app's namespace (`heritage=berth`), or checks that the one there is Berth's, so an app
 * named `kube-system` never deploys into the cluster's own namespace; then writes the registry login
 * as the namespace's image pull secret when one is configured.
 */
export async function ensureNamespace(
  core: NamespaceClient,
  app: string,
  login: { server: string; username: string; password: string } | undefined,
): Promise<void> {
  const name = objectName.namespace(app);
  const created = await tolerate(`create namespace ${name}`, () => core.createNamespace({ body: namespaceManifest(app) }), [409]);
  if (created === undefined) {
    const existing = await request(`read namespace ${name}`, () => core.readNamespace({ name }));
    if (existing.metadata?.labels?.heritage !== HERITAGE.heritage) {
      throw new BerthError("CONFLICT", `namespace "${name}" already exists in the cluster and was not made by Berth`, {
        hint: "Berth runs each app in a namespace named like it: destroy this app and create it under another name",
      });
    }
  }
  if (login === undefined) return;
  const body = pullSecretManifest(app, login);
  const secret = await tolerate(
    `create the image pull secret of ${app}`,
    () => core.createNamespacedSecret({ namespace: name, body }),
    [409],
  );
  if (secret === undefined) {
    await request(`update the image pull secret of ${app}`, () =>
      core.replaceNamespacedSecret({ name: objectName.pullSecret, namespace: name, body }),
    );
  }
}
