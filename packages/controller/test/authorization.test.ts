import type { ControllerClient } from "@berth/api";
import { eachBackend } from "./helpers/backend-test.ts";
import { startController } from "./helpers/controller.ts";

type Role = "owner" | "collaborator" | "other" | "admin" | "anonymous";
const roles: readonly Role[] = ["owner", "collaborator", "other", "admin", "anonymous"];

interface Route {
  name: string;
  call: (c: ControllerClient) => Promise<unknown>;
  /** Roles allowed; the others get 403 (401 for anonymous). */
  allowed: readonly Role[];
}

const users: readonly Role[] = ["owner", "collaborator", "admin"];
const owners: readonly Role[] = ["owner", "admin"];

// Each route is called on a fresh app (`matrix`) so that allowed calls do not depend on each other.
const routes: Route[] = [
  { name: "GET app", call: (c) => c.apps.get("matrix"), allowed: users },
  { name: "GET config", call: (c) => c.config.get("matrix"), allowed: users },
  { name: "POST config", call: (c) => c.config.set("matrix", { values: { X: "1" } }), allowed: users },
  { name: "GET builds", call: (c) => c.builds.list("matrix"), allowed: users },
  { name: "POST builds", call: (c) => c.builds.create("matrix", { image: "example.test/m:1" }), allowed: users },
  { name: "GET releases", call: (c) => c.releases.list("matrix"), allowed: users },
  { name: "GET release", call: (c) => c.releases.get("matrix", 1), allowed: users },
  { name: "POST rollback", call: (c) => c.releases.rollback("matrix", 2), allowed: users },
  { name: "POST scale", call: (c) => c.scale.set("matrix", { web: 2 }), allowed: users },
  { name: "GET perms", call: (c) => c.perms.list("matrix"), allowed: users },
  { name: "POST perms", call: (c) => c.perms.grant("matrix", "other"), allowed: owners },
  { name: "DELETE perm", call: (c) => c.perms.revoke("matrix", "collaborator"), allowed: owners },
  { name: "POST transfer", call: (c) => c.apps.transfer("matrix", "other"), allowed: owners },
  { name: "DELETE app", call: (c) => c.apps.destroy("matrix"), allowed: owners },
];

eachBackend("every app route answers each role as the permission model says", async (t, backend) => {
  const h = await startController(t, backend);
  const admin = await h.user("admin");
  const owner = await h.user("owner");
  await h.user("collaborator");
  const other = await h.user("other");
  const clients: Record<Role, ControllerClient> = {
    owner,
    collaborator: h.client.withToken((await h.client.auth.login("collaborator", "collaborator-password")).token),
    other,
    admin,
    anonymous: h.client,
  };
  for (const route of routes) {
    for (const role of roles) {
      // A fresh app per call: v1, a build (v2), a config change (v3), the collaborator added.
      await owner.apps.destroy("matrix").catch(() => undefined);
      await owner.apps.create("matrix");
      await owner.builds.create("matrix", { image: "example.test/m:0", procfile: { web: "serve" } });
      await owner.config.set("matrix", { values: { BASE: "1" } });
      await owner.perms.grant("matrix", "collaborator");
      const outcome = await route.call(clients[role]).then(
        () => 200,
        (e: { status?: number }) => e.status ?? 0,
      );
      const expected = route.allowed.includes(role) ? 200 : role === "anonymous" ? 401 : 403;
      t.is(outcome, expected, `${route.name} as ${role}`);
      if (route.name === "POST transfer" && outcome === 200) {
        await h.client.withToken((await h.client.auth.login("other", "other-password")).token).apps.transfer("matrix", "owner");
      }
    }
  }
});
