import test from "ava";
import { nodeApp } from "../helpers/apps.ts";
import { startTestPlatform } from "../helpers/platform.ts";
import { appSession } from "../helpers/session.ts";

test("a push whose Procfile names a type `constructor` is refused with the reason, and the running release keeps serving", async (t) => {
  const running = await startTestPlatform(t);
  const s = await appSession(t, running, "reserved");
  const first = await s.push({ ...nodeApp(), Procfile: "web: node server.js\n" });
  t.true(first.ok, first.output);
  t.regex(first.output, /released v2/);

  const pushed = await s.push({ ...nodeApp(), Procfile: "web: node server.js\nconstructor: node server.js\n" });
  t.false(pushed.ok, "git push fails");
  t.regex(pushed.output, /remote: .*the Procfile is invalid:\s+remote: .*line 2: "constructor" is a reserved name/);
  t.regex(pushed.output, /push rejected: no release was made/);
  const { results } = await s.client.releases.list(s.app, { limit: 1 });
  t.is(results[0]?.version, 2, "no release made of the refused build");
  t.is(results[0]?.state, "deployed");
  const reply = await s.get();
  t.is(reply.status, 200);
  t.regex(reply.body, /^hello from v2/);
  // The app still takes changes: nothing is stuck pending.
  await s.client.config.set(s.app, { values: { GREETING: "still" } });
});
