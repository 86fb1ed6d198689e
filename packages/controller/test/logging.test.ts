import { eachBackend } from "./helpers/backend-test.ts";
import { BUILDER_KEY, startController } from "./helpers/controller.ts";

eachBackend("no password, token, builder key or config value ever reaches the log", async (t, backend) => {
  const h = await startController(t, backend);
  const password = "Pa55word-that-must-not-leak";
  const registered = await h.client.auth.register({ username: "alice", password });
  const alice = h.client.withToken(registered.token ?? "");
  const login = await h.client.auth.login("alice", password);
  await alice.apps.create("quiet");
  const secretValue = "sk_live_value_that_must_not_leak";
  await alice.config.set("quiet", { values: { STRIPE_KEY: secretValue } });
  await alice.config.set("quiet", { values: { STRIPE_KEY: secretValue } }).catch(() => undefined); // 409
  await alice.request("POST", "/v2/apps/quiet/config", { values: { BAD: 7, OTHER: secretValue } }).catch(() => undefined);
  await h.builder.hooks.pushAuth({ user: "alice", token: login.token, app: "quiet" });
  await alice.auth.passwd({ password, newPassword: "Another-secret-pass" });
  await h.client.auth.login("alice", "Another-secret-pass");
  const all = h.logs.join("");
  t.true(h.logs.length > 5, "the controller did log");
  for (const secret of [password, "Another-secret-pass", registered.token ?? "", login.token, secretValue, BUILDER_KEY]) {
    t.false(all.includes(secret), `a secret leaked into the log: ${secret.slice(0, 6)}…`);
  }
  t.regex(all, /"app":"quiet"/, "it logs the app name as a field");
});

eachBackend("error messages never echo config values", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await alice.apps.create("quiet");
  const secret = "value-that-must-not-appear-anywhere";
  const error = await alice
    .request("POST", "/v2/apps/quiet/config", { values: { OK: secret, BAD: 1 } })
    .then(() => undefined, (e: Error & { hint?: string }) => e);
  t.truthy(error);
  t.false(`${error?.message} ${error?.hint}`.includes(secret));
});
