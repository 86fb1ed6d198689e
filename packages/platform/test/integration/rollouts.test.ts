import test from "ava";
import { nodeApp } from "../helpers/apps.ts";
import { startLoad } from "../helpers/load.ts";
import { settled, startTestPlatform, testNetworks } from "../helpers/platform.ts";
import { appSession } from "../helpers/session.ts";
import { startStreamCutter } from "../helpers/stream-cutter.ts";

/** Waits until the app's newest release is no longer pending; returns it. */
async function newestSettled(session: Awaited<ReturnType<typeof appSession>>) {
  const { results } = await session.client.releases.list(session.app, { limit: 1 });
  return settled(session.client, session.app, results[0]?.version ?? 0);
}

/** Whether the app's recent log has a line containing `text`. */
async function logged(session: Awaited<ReturnType<typeof appSession>>, text: string): Promise<boolean> {
  return (await session.client.logs.get(session.app, { lines: 200 })).some((e) => e.line.includes(text));
}

for (const network of testNetworks) {
  const env = { BERTH_DOCKER_NETWORK: network };

  test.serial(`${network}: a release is live only once the app listens, so no request fails right after the push`, async (t) => {
    const running = await startTestPlatform(t, env);
    const s = await appSession(t, running, "slowstart");
    const pushed = await s.push(nodeApp({ listenAfterMs: 3000 }));
    t.true(pushed.ok, pushed.output);
    t.regex(pushed.output, /released v2/);
    const replies = await Promise.all(Array.from({ length: 20 }, () => s.get()));
    t.deepEqual(
      replies.map((r) => `${r.status} ${r.body.replace(/ on \d+\n$/, "")}`),
      Array(20).fill("200 hello from v2"),
    );
  });

  test.serial(`${network}: an app that crashes at boot fails its release with its last words, and the previous one keeps serving`, async (t) => {
    const running = await startTestPlatform(t, env);
    const s = await appSession(t, running, "needsredis");
    t.true((await s.push(nodeApp())).ok);

    const pushed = await s.push(nodeApp({ crashAtBoot: true }));
    t.false(pushed.ok, `the push fails:\n${pushed.output}`);
    t.regex(pushed.output, /v3 failed to deploy: web\.1 \(needsredis-v3-web-1\) exited/);
    t.is((await s.client.releases.get(s.app, 3)).state, "failed");
    t.regex((await s.get()).body, /^hello from v2 on/);
    t.true(await logged(s, "boom: cannot reach redis"), "the app's last words are in its log");
  });

  test.serial(`${network}: an app that never listens fails its release, and the previous one keeps serving`, async (t) => {
    const running = await startTestPlatform(t, env);
    const s = await appSession(t, running, "mute");
    t.true((await s.push(nodeApp())).ok);
    await s.client.config.set(s.app, { values: { BERTH_DEPLOY_TIMEOUT: "4" } });
    t.is((await newestSettled(s)).state, "deployed");

    const pushed = await s.push(nodeApp({ never: true }));
    t.false(pushed.ok, "the push fails");
    t.regex(pushed.output, /v4 failed to deploy: .*0 of 1 instances ready after 4s \(healthcheck: TCP connect to \$PORT\)/);
    t.is((await s.client.releases.get(s.app, 4)).state, "failed");
    t.regex((await s.get()).body, /^hello from v3 on/);
  });

  test.serial(
    `${network}: an app that crashes soon after it listens fails in the post-deploy watch; the push says so, the previous release serves`,
    async (t) => {
      const running = await startTestPlatform(t, env);
      const s = await appSession(t, running, "fragile");
      t.true((await s.push(nodeApp())).ok);

      const pushed = await s.push(nodeApp({ crashAfterMs: 500 }));
      t.false(pushed.ok, "the push fails");
      t.regex(pushed.output, /v3 failed to deploy: web\.1 \(fragile-v3-web-1\) exited( with code 3)? within 2s of v3 becoming ready/);
      t.is((await s.client.releases.get(s.app, 3)).state, "failed");
      t.is((await s.client.releases.get(s.app, 2)).state, "deployed");
      t.regex((await s.get()).body, /^hello from v2 on/);
      t.true(await logged(s, "boom: lost the database"), "the app's last words are in its log");
    },
  );

  for (const onSigterm of ["exit", "ignore"] as const) {
    test.serial(
      `${network}: no request fails across rollouts of an app that ${onSigterm === "exit" ? "exits at once on" : "ignores"} SIGTERM`,
      async (t) => {
        const running = await startTestPlatform(t, env);
        const s = await appSession(t, running, "steady");
        t.true((await s.push(nodeApp({ onSigterm, listenAfterMs: 500 }))).ok);
        await s.client.scale.set(s.app, { web: 2 });
        for (let i = 0; i < 100 && (await s.client.pods.list(s.app)).results.filter((p) => p.ready).length < 2; i++) {
          await new Promise((r) => setTimeout(r, 100));
        }

        // What the instances print while they run and stop: the app runs under `npm start` (the
        // buildpack's default web), and a stop's SIGTERM must reach it through npm and the shell.
        const printed: string[] = [];
        const following = new AbortController();
        const follow = (async () => {
          try {
            for await (const entry of s.client.logs.follow(s.app, {}, following.signal)) printed.push(entry.line);
          } catch (error) {
            if (!following.signal.aborted) throw error;
          }
        })();
        const load = startLoad(running.platform.port, `${s.app}.localhost`, { keepAlive: 4, fresh: 4, slow: 2 });
        const greetings = onSigterm === "exit" ? ["one", "two", "three"] : ["one", "two"];
        for (const greeting of greetings) {
          await s.client.config.set(s.app, { values: { GREETING: greeting } });
          const release = await newestSettled(s);
          t.is(release.state, "deployed", release.failure ?? "");
        }
        await new Promise((r) => setTimeout(r, 300));
        const report = await load.stop();
        following.abort();
        await follow;
        if (onSigterm === "ignore") {
          t.true(
            printed.some((line) => line.includes("SIGTERM ignored")),
            `the stopped instances got their SIGTERM; they printed:\n${printed.join("\n")}`,
          );
        }

        t.deepEqual(report.errors.slice(0, 10), [], `${report.errors.length} of ${report.ok + report.errors.length} requests failed`);
        t.true(report.ok > 200, `enough traffic to mean something (${report.ok} requests)`);
        const last = `${greetings.at(-1)} from v${2 + greetings.length}`;
        t.true(report.answers.has(last), `the last release served: ${[...report.answers.keys()].join(", ")}`);
      },
    );
  }

  test.serial(
    `${network}: a config change during a push's rollout takes it over; the push says so and the newest release serves`,
    async (t) => {
      const running = await startTestPlatform(t, env);
      const s = await appSession(t, running, "overtaken");
      t.true((await s.push(nodeApp())).ok);
      const pushing = s.push(nodeApp({ listenAfterMs: 4000, banner: "slow v3" }));
      for (let i = 0; i < 600; i++) {
        const events = await s.client.logs.get(s.app, { lines: 50 });
        if (events.some((e) => e.line === "rolling out v3")) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await s.client.config.set(s.app, { values: { GREETING: "hi" } });

      const pushed = await pushing;
      t.true(pushed.ok, pushed.output);
      t.regex(pushed.output, /v3 was taken over by a newer release before its rollout finished/);
      t.is((await settled(s.client, s.app, 4)).state, "deployed");
      const v3 = await s.client.releases.get(s.app, 3);
      t.is(v3.state, "superseded");
      t.regex((await s.get()).body, /^hi from v4 on/);
      const pods = (await s.client.pods.list(s.app)).results;
      t.deepEqual(
        pods.map((p) => p.release),
        ["v4"],
        "nothing of v2 or v3 is left",
      );
    },
  );

  test.serial(
    `${network}: an instance is not stopped while a router that lost the route stream at the worst moment still sends it requests`,
    async (t) => {
      const cutter = await startStreamCutter();
      t.teardown(() => cutter.close());
      const running = await startTestPlatform(t, env, {
        routerControllerUrl: (controller) => {
          cutter.target = controller;
          return cutter.url;
        },
      });
      const s = await appSession(t, running, "cutover");
      t.true((await s.push(nodeApp())).ok);
      await s.client.scale.set(s.app, { web: 2 });
      for (let i = 0; i < 100 && (await s.client.pods.list(s.app)).results.filter((p) => p.ready).length < 2; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }

      const load = startLoad(running.platform.port, `${s.app}.localhost`, { keepAlive: 2, fresh: 2, slow: 4 });
      cutter.arm(3000);
      await s.client.config.set(s.app, { values: { GREETING: "after" } });
      const release = await newestSettled(s);
      await new Promise((r) => setTimeout(r, 300));
      const report = await load.stop();

      t.is(release.state, "deployed", release.failure ?? "");
      t.is(cutter.cuts.length, 1, "the stream was cut as the first instance was taken out");
      t.deepEqual(report.errors.slice(0, 10), [], `${report.errors.length} of ${report.ok + report.errors.length} requests failed`);
      t.true(report.answers.has("after from v3"));
    },
  );
}
