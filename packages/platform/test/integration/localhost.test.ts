import { execFile } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ControllerClient, localhostAwareFetch } from "@berth/api";
import test from "ava";
import { commitTree } from "../helpers/git.ts";
import { startTestPlatform } from "../helpers/platform.ts";

const run = promisify(execFile);
/** The `berth` users link onto their PATH. */
const berthScript = join(import.meta.dirname, "../../../../scripts/berth");

const app = {
  "package.json": JSON.stringify({ name: "banner", version: "1.0.0", scripts: { start: "node server.js" } }),
  "server.js": `require("node:http").createServer((req, res) => res.end("banner app at " + req.headers.host + "\\n")).listen(process.env.PORT);\n`,
};

test("every address the start banner prints works with the berth CLI and the machine's git", async (t) => {
  const { platform } = await startTestPlatform(t);
  const port = platform.port;
  // What scripts/start prints: the API and git at localhost and berth.localhost, apps at <app>.localhost.
  const api = `http://berth.localhost:${port}`;
  const home = await mkdtemp(join(tmpdir(), "berth-banner-home-"));
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_TERMINAL_PROMPT: "0",
    GIT_AUTHOR_NAME: "Test",
    GIT_AUTHOR_EMAIL: "test@example.test",
    GIT_COMMITTER_NAME: "Test",
    GIT_COMMITTER_EMAIL: "test@example.test",
  };
  const tree = await mkdtemp(join(tmpdir(), "berth-banner-app-"));
  await commitTree(tree, app, "first");
  const berth = (...args: string[]) => run(berthScript, args, { cwd: tree, env, timeout: 240_000 });
  const git = (...args: string[]) => run("git", args, { cwd: tree, env, timeout: 240_000 });

  const registered = await berth("register", api, "--username", "alice", "--password", "alice-password");
  t.regex(registered.stdout, new RegExp(`registered alice \\(administrator: the first user\\) and logged in to ${api}`));
  await berth("create", "banner");
  t.teardown(() =>
    berth("destroy", "-a", "banner", "--confirm", "banner").then(
      () => undefined,
      () => undefined,
    ),
  );
  t.is((await git("remote", "get-url", "berth")).stdout.trim(), `${api}/banner.git`);

  // git (libcurl) resolves *.localhost itself; the credential helper berth set up answers for it.
  const pushed = await git("push", "berth", "main");
  // (The printed URL names the configured port, which is 0 in tests.)
  t.regex(pushed.stderr, /remote: .*released v2 — http:\/\/banner\.localhost:/);
  const refs = await git("ls-remote", "berth");
  t.regex(refs.stdout, /^[0-9a-f]{40}\trefs\/heads\/main$/m);

  t.regex((await berth("apps")).stdout, /banner/);
  const served = await localhostAwareFetch(`http://banner.localhost:${port}/`);
  t.is(await served.text(), `banner app at banner.localhost:${port}\n`, "the router routed by the name");
  t.deepEqual(await new ControllerClient({ url: `http://localhost:${port}` }).health.healthz(), { status: "ok" });
});
