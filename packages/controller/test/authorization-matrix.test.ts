import { BUILDER_KEY_HEADER, ROUTER_KEY_HEADER } from "@berth/api";
import { eachBackend } from "./helpers/backend-test.ts";
import { BUILDER_KEY, ROUTER_KEY, startController } from "./helpers/controller.ts";

/** Who calls: the five kinds of user, a token that is no one's, and the two keys other services hold. */
const callers = ["anonymous", "wrong token", "other user", "collaborator", "owner", "admin", "builder key", "router key"] as const;
type Caller = (typeof callers)[number];

/**
 * Who may call a route (everyone else is refused: 401 without a user, 403 with one who may not):
 * `app` the app's owner, collaborators and admins; `app owner` its owner and admins; `user` anyone
 * logged in; `admin` admins; `builder` and `router` the holder of that key alone (to anyone else,
 * users included, the missing key is a 401); `open` anyone whose credentials, if any, are valid (its
 * rules beyond that are other tests').
 */
type Policy = "app" | "app owner" | "user" | "admin" | "builder" | "router" | "open";

/** Every route of the controller, by `METHOD path` as the router declares it. A route missing here fails the test. */
const table: Record<string, Policy> = {
  "GET /healthz": "open",
  "GET /readyz": "open",
  "POST /v2/auth/register": "open",
  "POST /v2/auth/login": "open",
  "GET /v2/auth/whoami": "user",
  "GET /v2/auth/tokens": "user",
  "POST /v2/auth/tokens": "user",
  "DELETE /v2/auth/tokens/:id": "user",
  "POST /v2/auth/passwd": "user",
  "GET /v2/users": "admin",
  "GET /v2/apps": "user",
  "POST /v2/apps": "user",
  "GET /v2/apps/:id": "app",
  "POST /v2/apps/:id": "app owner",
  "DELETE /v2/apps/:id": "app owner",
  "GET /v2/apps/:id/config": "app",
  "POST /v2/apps/:id/config": "app",
  "GET /v2/apps/:id/builds": "app",
  "POST /v2/apps/:id/builds": "app",
  "GET /v2/apps/:id/builds/:uuid": "app",
  "GET /v2/apps/:id/releases": "app",
  "GET /v2/apps/:id/releases/:version": "app",
  "GET /v2/apps/:id/releases/:version/status": "app",
  "POST /v2/apps/:id/releases/rollback": "app",
  "POST /v2/apps/:id/scale": "app",
  "GET /v2/apps/:id/pods": "app",
  "POST /v2/apps/:id/pods/restart": "app",
  "POST /v2/apps/:id/pods/restart/:type": "app",
  "GET /v2/apps/:id/perms": "app",
  "POST /v2/apps/:id/perms": "app owner",
  "DELETE /v2/apps/:id/perms/:username": "app owner",
  "GET /v2/apps/:id/domains": "app",
  "POST /v2/apps/:id/domains": "app",
  "DELETE /v2/apps/:id/domains/:domain": "app",
  "GET /v2/apps/:id/settings": "app",
  "POST /v2/apps/:id/settings": "app",
  "GET /v2/apps/:id/logs": "app",
  "GET /v2/apps/:id/metrics": "app",
  "GET /v2/apps/:id/alerts": "app",
  "POST /v2/apps/:id/alerts": "app",
  "GET /v2/apps/:id/alerts/history": "app",
  "GET /v2/apps/:id/alerts/channels": "app",
  "POST /v2/apps/:id/alerts/channels": "app",
  "DELETE /v2/apps/:id/alerts/channels/:channel": "app",
  "POST /v2/apps/:id/alerts/channels/:channel/test": "app",
  "GET /v2/apps/:id/alerts/deliveries": "app",
  "POST /v2/apps/:id/alerts/deliveries/:delivery/redeliver": "app",
  "GET /v2/apps/:id/alerts/:rule": "app",
  "PATCH /v2/apps/:id/alerts/:rule": "app",
  "DELETE /v2/apps/:id/alerts/:rule": "app",
  "POST /v2/apps/:id/alerts/:rule/silence": "app",
  "GET /v2/alerts/channels": "admin",
  "POST /v2/alerts/channels": "admin",
  "DELETE /v2/alerts/channels/:channel": "admin",
  "POST /v2/alerts/channels/:channel/test": "admin",
  "POST /v2/hooks/push-auth": "builder",
  "POST /v2/hooks/config": "builder",
  "POST /v2/hooks/build": "builder",
  "POST /v2/hooks/build-failed": "builder",
  "POST /v2/hooks/release": "builder",
  "POST /v2/hooks/release-status": "builder",
  "GET /v2/routes": "router",
  "POST /v2/routes/status": "router",
  "POST /v2/routes/metrics": "router",
};

const people: Record<Policy, readonly Caller[]> = {
  app: ["collaborator", "owner", "admin"],
  "app owner": ["owner", "admin"],
  user: ["other user", "collaborator", "owner", "admin"],
  admin: ["admin"],
  builder: ["builder key"],
  router: ["router key"],
  open: callers.filter((c) => c !== "wrong token"),
};

const users = new Set<Caller>(["other user", "collaborator", "owner", "admin"]);

/** What a refused caller gets: 403 for a user the policy leaves out; 401 for the rest, and where only a key will do. */
function refusal(policy: Policy, caller: Caller): number {
  return users.has(caller) && policy !== "builder" && policy !== "router" ? 403 : 401;
}

/** Path parameters: the fixture's app and people, and ids that name nothing (an allowed caller then gets a 404, not a 401/403). */
const params: Record<string, string> = {
  id: "matrix",
  uuid: "00000000-0000-4000-8000-000000000000",
  version: "v1",
  type: "web",
  username: "collaborator",
  domain: "www.matrix.example.com",
  rule: "r-000000",
  channel: "c-000000",
  delivery: "d-000000000000",
};

eachBackend(
  "every route of the controller answers each kind of caller as its policy says, and every route has a policy",
  async (t, backend) => {
    const h = await startController(t, backend);
    t.deepEqual(
      h.routes.map((r) => `${r.method} ${r.path}`).sort(),
      Object.keys(table).sort(),
      "the table names exactly the controller's routes: a new one needs its policy here",
    );
    await h.user("admin");
    await h.user("owner");
    await h.user("collaborator");
    await h.user("other");
    const login = async (name: string) => (await h.client.auth.login(name, `${name}-password`)).token;
    const headers: Record<Caller, Record<string, string>> = {
      anonymous: {},
      "wrong token": { authorization: "Bearer not-anyones-token" },
      "other user": { authorization: `Bearer ${await login("other")}` },
      collaborator: { authorization: `Bearer ${await login("collaborator")}` },
      owner: { authorization: `Bearer ${await login("owner")}` },
      admin: { authorization: `Bearer ${await login("admin")}` },
      "builder key": { [BUILDER_KEY_HEADER]: BUILDER_KEY },
      "router key": { [ROUTER_KEY_HEADER]: ROUTER_KEY },
    };
    const as = (caller: "owner" | "admin") => h.client.withToken(headers[caller].authorization?.replace("Bearer ", "") ?? "");
    const fixture = async () => {
      await as("admin")
        .apps.destroy("matrix")
        .catch(() => undefined);
      await as("owner").apps.create("matrix");
      await as("owner").perms.grant("matrix", "collaborator");
    };
    await fixture();
    const wrong: string[] = [];
    for (const [route, policy] of Object.entries(table)) {
      const [method, pattern] = route.split(" ") as [string, string];
      const path = pattern.replace(/:([a-z]+)/g, (_, name: string) => params[name] ?? name);
      for (const caller of callers) {
        const response = await fetch(`${h.url}${path}`, {
          method,
          headers: { ...headers[caller], ...(method === "GET" || method === "DELETE" ? {} : { "content-type": "application/json" }) },
          ...(method === "GET" || method === "DELETE" ? {} : { body: "{}" }),
        });
        const allowed = people[policy].includes(caller);
        // A new token ends the caller's others: it goes on with the new one.
        if (route === "POST /v2/auth/tokens" && allowed && response.ok) {
          headers[caller] = { authorization: `Bearer ${((await response.json()) as { token: string }).token}` };
        } else await response.body?.cancel();
        const refused = refusal(policy, caller);
        const ok = allowed ? response.status !== 401 && response.status !== 403 : response.status === refused;
        if (!ok) wrong.push(`${route} as ${caller}: ${response.status}, expected ${allowed ? "not 401/403" : refused}`);
        // What an allowed call changed (a destroyed app, a transfer, a revoked collaborator) is put back.
        if (allowed && method !== "GET" && policy !== "open") await fixture();
      }
    }
    t.deepEqual(wrong, []);
  },
);
