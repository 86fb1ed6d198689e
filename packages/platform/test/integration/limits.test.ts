import { randomBytes } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { commitTree, push } from "../helpers/git.ts";
import { startTestPlatform } from "../helpers/platform.ts";

const site = { "index.html": "<h1>small enough</h1>\n" };

test("BERTH_MAX_PUSH_BYTES refuses a larger push within seconds and builds nothing; a push under it is built", async (t) => {
  const { platform, client } = await startTestPlatform(t, { BERTH_MAX_PUSH_BYTES: String(1024 * 1024) });
  const registered = await client.auth.register({ username: "alice", password: "alice-password" });
  const alice = client.withToken(registered.token ?? "");
  await alice.apps.create("capped");
  t.teardown(() => alice.apps.destroy("capped").catch(() => undefined));
  const remote = `http://alice:${registered.token}@127.0.0.1:${platform.port}/capped.git`;

  // Incompressible, sent chunked, and far more than socket buffers hold: git is still sending when refused.
  const big = await mkdtemp(join(tmpdir(), "berth-big-"));
  await commitTree(big, { ...site, "video.bin": randomBytes(24 * 1024 * 1024) }, "with a video");
  const started = Date.now();
  const refused = await push(big, remote, 60_000);
  const elapsed = Date.now() - started;
  t.false(refused.ok, refused.output);
  t.regex(refused.output, /remote: berth: this push is larger than the limit of 1 MiB \(BERTH_MAX_PUSH_BYTES\)/);
  t.regex(refused.output, /keep build output and large files out of git/);
  t.true(elapsed < 30_000, `git push took ${elapsed} ms`);
  t.is((await alice.builds.list("capped")).count, 0);
  t.is((await alice.releases.list("capped")).count, 1, "no release beyond the app's first");

  const small = await mkdtemp(join(tmpdir(), "berth-small-"));
  await commitTree(small, site, "just the site");
  const built = await push(small, remote);
  t.true(built.ok, built.output);
  t.regex(built.output, /released v2/);
});
