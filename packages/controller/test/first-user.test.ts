import { ApiError, type RegisterResponse } from "@berth/api";
import { insertAdmittedUser } from "../src/store/users.ts";
import { eachBackend } from "./helpers/backend-test.ts";
import { freshStore } from "./helpers/backends.ts";
import { startController } from "./helpers/controller.ts";

type Outcome = { ok: RegisterResponse } | { error: ApiError };

/** Twenty anonymous registrations sent at once, each on its own connection, on an empty platform. */
async function raceFirstRegistrations(h: Awaited<ReturnType<typeof startController>>): Promise<Outcome[]> {
  return Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      h.client.auth.register({ username: `racer${i}`, password: "racer-password" }).then(
        (ok): Outcome => ({ ok }),
        (error: unknown): Outcome => {
          if (error instanceof ApiError) return { error };
          throw error;
        },
      ),
    ),
  );
}

eachBackend(
  "of twenty concurrent first registrations exactly one becomes admin; admin_only refuses the rest with 403",
  async (t, backend) => {
    const h = await startController(t, backend, { registrationMode: "admin_only" });
    const outcomes = await raceFirstRegistrations(h);
    const admitted = outcomes.flatMap((o) => ("ok" in o ? [o.ok] : []));
    const refused = outcomes.flatMap((o) => ("error" in o ? [o.error] : []));
    t.is(admitted.length, 1, "one registration wins");
    t.true(admitted[0]?.isAdmin);
    t.is(refused.length, 19);
    for (const error of refused) {
      t.is(error.status, 403);
      t.is(error.code, "REGISTRATION_CLOSED");
      t.regex(error.hint ?? "", /administrator/);
    }
    const admin = h.client.withToken(admitted[0]?.token ?? "");
    const users = await admin.users.list();
    t.deepEqual(
      users.results.map((u) => [u.username, u.isAdmin]),
      [[admitted[0]?.username, true]],
    );
  },
);

eachBackend("of twenty concurrent first registrations in open mode one is admin and nineteen are plain users", async (t, backend) => {
  const h = await startController(t, backend, { registrationMode: "open" });
  const outcomes = await raceFirstRegistrations(h);
  const admitted = outcomes.flatMap((o) => ("ok" in o ? [o.ok] : []));
  t.is(admitted.length, 20, "open registration admits everyone");
  t.is(admitted.filter((u) => u.isAdmin).length, 1);
  const admin = h.client.withToken(admitted.find((u) => u.isAdmin)?.token ?? "");
  const users = await admin.users.list();
  t.is(users.count, 20);
  t.is(users.results.filter((u) => u.isAdmin).length, 1);
});

eachBackend("a registration waits for one that is still deciding, and then sees its user", async (t, backend) => {
  const { store, dispose } = await freshStore(backend);
  t.teardown(dispose);
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const seen: [string, boolean][] = [];
  let entered = () => {};
  const inside = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const user = (username: string) => ({ username, email: "", passwordHash: "not-a-hash" });
  const first = insertAdmittedUser(store.db, store.backend, user("ann"), async (found) => {
    seen.push(["ann", found.first]);
    entered();
    await held;
  });
  await inside;
  const second = insertAdmittedUser(store.db, store.backend, user("ben"), (found) => {
    seen.push(["ben", found.first]);
  });
  // ben must not get past the lock while ann decides; give it the chance to, then let ann finish.
  await Promise.race([second, new Promise((resolve) => setTimeout(resolve, 1000))]);
  release();
  const [ann, ben] = await Promise.all([first, second]);
  t.deepEqual(seen, [
    ["ann", true],
    ["ben", false],
  ]);
  t.deepEqual([ann.is_admin, ben.is_admin], [1, 0]);
});
