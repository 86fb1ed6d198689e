import test from "ava";
import { ReleaseHub } from "../src/services/release-hub.ts";

test("a change wakes every waiter of the app, and only of that app", async (t) => {
  const hub = new ReleaseHub();
  const never = new AbortController().signal;
  const woken: string[] = [];
  const web = [hub.next("web", never).then(() => woken.push("web 1")), hub.next("web", never).then(() => woken.push("web 2"))];
  void hub.next("api", never).then(() => woken.push("api"));
  t.is(hub.waiting("web"), 2);
  hub.changed("web");
  await Promise.all(web);
  t.deepEqual(woken.sort(), ["web 1", "web 2"]);
  t.is(hub.waiting("web"), 0);
  t.is(hub.waiting("api"), 1);
});

test("an aborted wait resolves and leaves no waiter behind", async (t) => {
  const hub = new ReleaseHub();
  const stop = new AbortController();
  const waiting = hub.next("web", stop.signal);
  t.is(hub.waiting("web"), 1);
  stop.abort();
  await waiting;
  t.is(hub.waiting("web"), 0);
  await hub.next("web", stop.signal);
  t.is(hub.waiting("web"), 0, "a wait that starts aborted registers nothing");
});
