import { ControllerClient } from "@berth/api";
import { eachBackend, rejects } from "./helpers/backend-test.ts";
import { startController } from "./helpers/controller.ts";

eachBackend("the first user to register becomes admin and gets a token", async (t, backend) => {
  const h = await startController(t, backend);
  const first = await h.client.auth.register({ username: "alice", password: "alice-password", email: "a@example.com" });
  t.true(first.isAdmin);
  t.is(typeof first.token, "string");
  t.true((first.token ?? "").length >= 43, "a token carries at least 32 random bytes");
  const me = await h.client.withToken(first.token ?? "").auth.whoami();
  t.deepEqual([me.username, me.email, me.isAdmin], ["alice", "a@example.com", true]);
});

eachBackend("after the first user, anonymous registration is refused with 403 in admin_only mode", async (t, backend) => {
  const h = await startController(t, backend);
  await h.user("alice");
  const e = await rejects(t, h.client.auth.register({ username: "mallory", password: "mallory-password" }), 403, "REGISTRATION_CLOSED");
  t.regex(e.hint ?? "", /administrator/);
});

eachBackend("an admin registers users, who get no token through the admin", async (t, backend) => {
  const h = await startController(t, backend);
  const admin = await h.user("alice");
  const bob = await admin.auth.register({ username: "bob", password: "bob-password" });
  t.false(bob.isAdmin);
  t.is(bob.token, undefined);
  const { token } = await h.client.auth.login("bob", "bob-password");
  t.is((await h.client.withToken(token).auth.whoami()).username, "bob");
});

eachBackend("a non-admin cannot register users", async (t, backend) => {
  const h = await startController(t, backend);
  await h.user("alice");
  const bob = await h.user("bob");
  await rejects(t, bob.auth.register({ username: "carol", password: "carol-password" }), 403, "REGISTRATION_CLOSED");
});

eachBackend("open registration lets anyone register; disabled lets no one after the first", async (t, backend) => {
  const open = await startController(t, backend, { registrationMode: "open" });
  await open.user("alice");
  const bob = await open.client.auth.register({ username: "bob", password: "bob-password" });
  t.false(bob.isAdmin);
  t.truthy(bob.token);
  const closed = await startController(t, backend, { registrationMode: "disabled" });
  await closed.user("alice");
  const e = await rejects(t, closed.client.auth.register({ username: "bob", password: "bob-password" }), 403, "REGISTRATION_CLOSED");
  t.regex(e.message, /disabled/);
});

eachBackend("a taken username is refused with 409", async (t, backend) => {
  const h = await startController(t, backend);
  const admin = await h.user("alice");
  await rejects(t, admin.auth.register({ username: "alice", password: "other-password" }), 409, "USER_EXISTS");
});

eachBackend("registration validates username, password and email", async (t, backend) => {
  const h = await startController(t, backend);
  const cases: [object, string][] = [
    [{ username: "Bad Name", password: "long-enough" }, "username"],
    [{ username: "ok", password: "short" }, "password"],
    [{ username: "ok", password: 12345678 }, "password"],
    [{ password: "long-enough" }, "username"],
    [{ username: "ok", password: "long-enough", email: "not-an-email" }, "email"],
    [{ username: "ok", password: "long-enough", admin: true }, "admin"],
  ];
  for (const [body, field] of cases) {
    const e = await rejects(t, h.client.request("POST", "/v2/auth/register", body), 400, "VALIDATION_FAILED");
    t.is(e.field, field);
  }
});

eachBackend("login with a wrong password or an unknown user gives the same 401", async (t, backend) => {
  const h = await startController(t, backend);
  await h.user("alice");
  const wrong = await rejects(t, h.client.auth.login("alice", "not-the-password"), 401, "INVALID_CREDENTIALS");
  const unknown = await rejects(t, h.client.auth.login("nobody", "not-the-password"), 401, "INVALID_CREDENTIALS");
  t.is(wrong.message, unknown.message);
});

eachBackend("Deis's `Authorization: token` scheme is accepted", async (t, backend) => {
  const h = await startController(t, backend);
  const { token } = await h.client.auth.register({ username: "alice", password: "alice-password" });
  const response = await fetch(`${h.url}/v2/auth/whoami`, { headers: { authorization: `token ${token}` } });
  t.is(response.status, 200);
  t.is(((await response.json()) as { username: string }).username, "alice");
});

eachBackend("a missing, malformed or unknown token gives 401", async (t, backend) => {
  const h = await startController(t, backend);
  await h.user("alice");
  await rejects(t, h.client.auth.whoami(), 401, "UNAUTHENTICATED");
  await rejects(t, h.client.withToken("not-a-real-token").auth.whoami(), 401, "UNAUTHENTICATED");
  const malformed = await fetch(`${h.url}/v2/auth/whoami`, { headers: { authorization: "Basic abc" } });
  t.is(malformed.status, 401);
});

eachBackend("regenerating a token makes the old one stop working", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  const { token } = await alice.auth.regenerateToken();
  await rejects(t, alice.auth.whoami(), 401, "UNAUTHENTICATED");
  t.is((await h.client.withToken(token).auth.whoami()).username, "alice");
});

eachBackend("an admin can regenerate another user's token; a user cannot", async (t, backend) => {
  const h = await startController(t, backend);
  const admin = await h.user("alice");
  const bob = await h.user("bob");
  await rejects(t, bob.auth.regenerateToken("alice"), 403, "FORBIDDEN");
  const fresh = await admin.auth.regenerateToken("bob");
  await rejects(t, bob.auth.whoami(), 401, "UNAUTHENTICATED");
  t.is((await h.client.withToken(fresh.token).auth.whoami()).username, "bob");
});

eachBackend("changing the password needs the current one and replaces it", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice", "first-password");
  await rejects(t, alice.auth.passwd({ password: "wrong-password", newPassword: "second-password" }), 400, "INVALID_CREDENTIALS");
  await alice.auth.passwd({ password: "first-password", newPassword: "second-password" });
  await rejects(t, h.client.auth.login("alice", "first-password"), 401, "INVALID_CREDENTIALS");
  t.truthy((await h.client.auth.login("alice", "second-password")).token);
});

eachBackend("an admin resets another user's password without knowing it", async (t, backend) => {
  const h = await startController(t, backend);
  const admin = await h.user("alice");
  const bob = await h.user("bob");
  await rejects(t, bob.auth.passwd({ username: "alice", newPassword: "hijacked-password" }), 403, "FORBIDDEN");
  await admin.auth.passwd({ username: "bob", newPassword: "reset-password" });
  t.truthy((await h.client.auth.login("bob", "reset-password")).token);
});

eachBackend("only admins list users, paginated", async (t, backend) => {
  const h = await startController(t, backend);
  const admin = await h.user("alice");
  const bob = await h.user("bob");
  await h.user("carol");
  await rejects(t, bob.users.list(), 403, "FORBIDDEN");
  const page = await admin.users.list({ limit: 2, offset: 1 });
  t.is(page.count, 3);
  t.deepEqual(
    page.results.map((u) => u.username),
    ["bob", "carol"],
  );
});

eachBackend("the health routes answer without a token", async (t, backend) => {
  const h = await startController(t, backend);
  t.deepEqual(await new ControllerClient({ url: h.url }).health.healthz(), { status: "ok" });
  const ready = await fetch(`${h.url}/readyz`);
  t.is(ready.status, 200);
});
