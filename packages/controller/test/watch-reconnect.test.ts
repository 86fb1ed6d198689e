import { PassThrough } from "node:stream";
import test from "ava";
import type Docker from "dockerode";
import { watchContainerEvents } from "../src/scheduler/docker/engine-events.ts";
import { watchPods } from "../src/scheduler/kubernetes/changes.ts";
import type { NamespaceWatcher } from "../src/scheduler/kubernetes/namespace-gone.ts";
import { watchBackoff } from "../src/scheduler/watch-backoff.ts";

type WatchCall = {
  query: Record<string, unknown>;
  event: (phase: string, object: unknown) => void;
  end: (error: unknown) => void;
  aborted: boolean;
};

/** A scripted `Watch`: each call is kept; `refuse` makes the next calls fail to connect, as client-node reports it. */
function scriptedWatcher() {
  const calls: WatchCall[] = [];
  let refusals = 0;
  const watcher: NamespaceWatcher = {
    async watch(_path, query, callback, done) {
      const controller = new AbortController();
      if (refusals > 0) {
        refusals--;
        done(new Error("connect ECONNREFUSED"));
        return controller;
      }
      const call: WatchCall = { query, event: callback, end: done, aborted: false };
      controller.signal.addEventListener("abort", () => {
        call.aborted = true;
        done(null);
      });
      calls.push(call);
      return controller;
    },
  };
  return { watcher, calls, refuse: (n: number) => (refusals = n) };
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const pod = (name: string, resourceVersion: string) => ({ metadata: { name, resourceVersion } });

test("back-off doubles from 1 s up to 30 s", (t) => {
  t.deepEqual([1, 2, 3, 4, 5, 6, 7].map(watchBackoff), [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
});

test("a pod watch resumes from the last resourceVersion, starts over after 410, retries with back-off, and stops on abort", async (t) => {
  const { watcher, calls, refuse } = scriptedWatcher();
  const seen: string[] = [];
  let relists = 0;
  const stop = new AbortController();
  watchPods(watcher, "shop", (phase, p) => seen.push(`${phase} ${p.metadata?.name}`), stop.signal, {
    resourceVersion: "10",
    onRelist: () => relists++,
  });
  await until(() => calls.length === 1, "the first watch");
  t.is(calls[0]?.query.resourceVersion, "10", "starts at the list's resourceVersion");
  calls[0]?.event("ADDED", pod("web-a", "11"));
  calls[0]?.event("BOOKMARK", pod("", "15"));
  // The server ends the watch (its timeout): resumed at once from the bookmark.
  calls[0]?.end(null);
  await until(() => calls.length === 2, "the resumed watch");
  t.is(calls[1]?.query.resourceVersion, "15");
  t.is(relists, 0);

  // Expired: the watch starts over without a resourceVersion, and the caller is told to relist.
  calls[1]?.event("ERROR", { code: 410 });
  calls[1]?.end(null);
  await until(() => calls.length === 3, "the watch started over");
  t.is(calls[2]?.query.resourceVersion, undefined);
  t.is(relists, 1);

  // After a while of changes the server goes away: two refused connects, a 1 s then a 2 s pause.
  calls[2]?.event("ADDED", pod("web-a", "18"));
  refuse(2);
  const broke = Date.now();
  calls[2]?.end(new Error("socket hang up"));
  await until(() => calls.length === 4, "the watch back after the refusals", 10_000);
  const waited = Date.now() - broke;
  t.true(waited >= 2900 && waited < 4000, `waited ${waited} ms`);
  t.is(calls[3]?.query.resourceVersion, "18");
  calls[3]?.event("MODIFIED", pod("web-a", "20"));
  t.deepEqual(seen, ["ADDED web-a", "ADDED web-a", "MODIFIED web-a"], "bookmarks and errors are not changes");

  stop.abort();
  t.true(calls[3]?.aborted, "abort ends the open watch");
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.is(calls.length, 4, "and none starts after");
});

test("the engine's event stream is opened again after it breaks, with back-off while refused, and says when it is back", async (t) => {
  const streams: PassThrough[] = [];
  let refusals = 1;
  const docker = {
    async getEvents(options: Docker.GetEventsOptions & { abortSignal: AbortSignal }) {
      if (refusals > 0) {
        refusals--;
        throw Object.assign(new Error("connect ENOENT /run/docker.sock"), { code: "ENOENT" });
      }
      t.deepEqual(JSON.parse(String(options.filters)), { type: ["container"], event: ["die"], label: ["berth.app"] });
      const stream = new PassThrough();
      options.abortSignal.addEventListener("abort", () => stream.destroy(new Error("aborted")));
      streams.push(stream);
      return stream;
    },
  } as unknown as Pick<Docker, "getEvents">;
  const seen: string[] = [];
  let reconnects = 0;
  const stop = new AbortController();
  const opened = watchContainerEvents(
    docker,
    { event: ["die"], label: ["berth.app"] },
    (e) => seen.push(`${e.action} ${e.attributes["berth.app"]}`),
    stop.signal,
    () => reconnects++,
  );
  await t.throwsAsync(opened, { message: /the Docker engine could not stream container events: connect ENOENT/ });
  await until(() => streams.length === 1, "the stream after a 1 s pause");
  t.is(reconnects, 1, "a stream that opens after a failure may have missed events");
  const event = JSON.stringify({
    Type: "container",
    Action: "die",
    Actor: { ID: "abc", Attributes: { "berth.app": "shop", exitCode: "3" } },
  });
  // An event cut across chunks, then one more in the same chunk as a keep-alive line.
  streams[0]?.write(event.slice(0, 20));
  streams[0]?.write(`${event.slice(20)}\n\n${event.replace("shop", "blog")}\n`);
  await until(() => seen.length === 2, "two events");
  t.deepEqual(seen, ["die shop", "die blog"]);

  streams[0]?.end();
  await until(() => streams.length === 2, "the stream opened again");
  t.is(reconnects, 2);
  stop.abort();
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.true(streams[1]?.destroyed, "abort ends the open stream");
  t.is(streams.length, 2, "and none opens after");
});
