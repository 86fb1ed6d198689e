import { setReleaseState } from "../src/store/releases.ts";
import { updateRollout } from "../src/store/rollouts.ts";
import { eachBackend, rejects } from "./helpers/backend-test.ts";
import { startController } from "./helpers/controller.ts";
import { answered, answersUnheld, held, heldDeployer } from "./helpers/held-deployer.ts";

/** A controller whose releases after v1 stay pending, and alice's app `web` with v2 pending. */
async function pendingRelease(t: Parameters<Parameters<typeof eachBackend>[1]>[0], backend: Parameters<Parameters<typeof eachBackend>[1]>[1]) {
  const h = await startController(t, backend, { deployer: heldDeployer() });
  const alice = await h.user("alice");
  await alice.apps.create("web");
  await alice.config.set("web", { values: { A: "1" } });
  return { h, alice };
}

eachBackend("a settled release is answered at once, even when the client saw it as it is", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await alice.apps.create("web");
  const first = await alice.releases.status("web", 1);
  t.like(first, { release: { version: 1, state: "deployed" }, progress: null });
  const poll = answered(alice.releases.status("web", 1, { after: first.revision, wait: 60 }));
  t.true(await answersUnheld(h.releases, "web", poll), "answered without being held");
  const again = await poll.promise;
  t.is(again.release.state, "deployed");
  t.is(again.revision, first.revision);
});

eachBackend("a pending release is held until its state changes, then answered with the change", async (t, backend) => {
  const { h, alice } = await pendingRelease(t, backend);
  const seen = await alice.releases.status("web", 2);
  t.is(seen.release.state, "pending");
  const poll = answered(alice.releases.status("web", 2, { after: seen.revision, wait: 60 }));
  await held(h.releases, "web");
  t.false(poll.done(), "held while nothing changed");
  await setReleaseState(h.store.db, "web", 2, "failed", "web.1 exited with code 1");
  h.releases.changed("web");
  t.true(await answersUnheld(h.releases, "web", poll), "answered once told of the change");
  const status = await poll.promise;
  t.like(status.release, { state: "failed", failure: "web.1 exited with code 1" });
  t.not(status.revision, seen.revision);
});

eachBackend("each change of the rollout's progress is answered, with the progress", async (t, backend) => {
  const { h, alice } = await pendingRelease(t, backend);
  const seen = await alice.releases.status("web", 2);
  t.is(seen.progress, null);
  const poll = answered(alice.releases.status("web", 2, { after: seen.revision, wait: 60 }));
  await held(h.releases, "web");
  const batch = { phase: "rolling", type: "web", ready: 1, starting: 2, want: 3 } as const;
  await updateRollout(h.store.db, "web", 2, { progress: batch });
  h.releases.changed("web");
  t.true(await answersUnheld(h.releases, "web", poll), "answered once told of the progress");
  const status = await poll.promise;
  t.is(status.release.state, "pending");
  t.deepEqual(status.progress, batch);
  t.not(status.revision, seen.revision);
});

eachBackend("a change elsewhere in the app that leaves the release as it was keeps the answer held", async (t, backend) => {
  const { h, alice } = await pendingRelease(t, backend);
  const seen = await alice.releases.status("web", 2);
  const poll = answered(alice.releases.status("web", 2, { after: seen.revision, wait: 60 }));
  await held(h.releases, "web");
  h.releases.changed("web");
  // Held again: it read the store, found what the client saw, and waits once more.
  await held(h.releases, "web");
  t.false(poll.done());
  await setReleaseState(h.store.db, "web", 2, "deployed");
  h.releases.changed("web");
  t.is((await poll.promise).release.state, "deployed");
});

eachBackend("once the wait is over the current state is answered, unchanged", async (t, backend) => {
  const { alice } = await pendingRelease(t, backend);
  const seen = await alice.releases.status("web", 2);
  const status = await alice.releases.status("web", 2, { after: seen.revision, wait: 1 });
  t.is(status.release.state, "pending");
  t.is(status.revision, seen.revision);
});

eachBackend("an unknown app or release is a 404 and a bad wait or revision a 400, each with a hint", async (t, backend) => {
  const { h, alice } = await pendingRelease(t, backend);
  const app = await rejects(t, alice.releases.status("nope", 1), 404, "APP_NOT_FOUND");
  t.truthy(app.hint);
  const release = await rejects(t, alice.releases.status("web", 9), 404, "RELEASE_NOT_FOUND");
  t.regex(release.hint ?? "", /berth releases/);
  for (const wait of [61, -1, 1.5, Number.NaN]) {
    const bad = await rejects(t, alice.releases.status("web", 2, { wait }), 400, "VALIDATION_FAILED");
    t.is(bad.field, "wait");
    t.regex(bad.hint ?? "", /wait=25/);
  }
  const after = await rejects(t, alice.releases.status("web", 2, { after: "not a revision!" }), 400, "VALIDATION_FAILED");
  t.is(after.field, "after");
  t.truthy(after.hint);
  await rejects(t, h.client.releases.status("web", 2), 401, "UNAUTHENTICATED");
  const bob = await h.user("bob");
  await rejects(t, bob.releases.status("web", 2), 403, "FORBIDDEN");
});

eachBackend("the builder's hook holds and answers as the app's route does, and needs the builder key", async (t, backend) => {
  const { h } = await pendingRelease(t, backend);
  const seen = await h.builder.hooks.releaseStatus("web", 2);
  t.is(seen.release.state, "pending");
  const poll = answered(h.builder.hooks.releaseStatus("web", 2, { after: seen.revision, wait: 60 }));
  await held(h.releases, "web");
  t.false(poll.done());
  await setReleaseState(h.store.db, "web", 2, "superseded", "superseded by v3 before its rollout finished");
  h.releases.changed("web");
  t.true(await answersUnheld(h.releases, "web", poll));
  t.is((await poll.promise).release.state, "superseded");
  await rejects(t, h.client.hooks.releaseStatus("web", 2), 401, "UNAUTHENTICATED");
  await rejects(t, h.builder.hooks.releaseStatus("web", 9), 404, "RELEASE_NOT_FOUND");
  const bad = await rejects(t, h.builder.hooks.releaseStatus("web", 2, { wait: 600 }), 400, "VALIDATION_FAILED");
  t.is(bad.field, "wait");
});
