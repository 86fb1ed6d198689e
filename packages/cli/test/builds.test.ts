import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import test from "ava";
import { berth, createApp, loggedIn } from "./helpers/berth.ts";
import { startController, type TestController } from "./helpers/controller.ts";
import { tempRepo } from "./helpers/repo.ts";

let controller: TestController;
let home: string;
test.before(async () => {
  controller = await startController();
  home = await loggedIn(controller.url);
});
test.after.always(() => controller?.close());

const app = (name: string) => createApp(home, name);

test("builds:create deploys an image as a new release and waits for it", async (t) => {
  await app("imaged");
  const result = await berth(["builds:create", "registry.example.com/team/web:1.4", "-a", "imaged"], { home });
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /^build [0-9a-f]{8} of imaged: registry\.example\.com\/team\/web:1\.4\n$/);
  t.is(result.stderr, "✓ v2 of imaged deployed\n");
});

test("pull is builds:create, and --procfile sets the process types", async (t) => {
  await app("procs");
  const result = await berth(["pull", "web:2", "--procfile", "web: node server.js; worker: node jobs.js", "-a", "procs"], { home });
  t.is(result.code, 0, result.stderr);
  const [build] = JSON.parse((await berth(["builds", "--json", "-a", "procs"], { home })).stdout);
  t.deepEqual(build.procfile, { web: "node server.js", worker: "node jobs.js" });
});

test("--procfile may name a Procfile", async (t) => {
  await app("procfile-file");
  const repo = await tempRepo(home);
  await writeFile(join(repo, "Procfile"), "web: npm start\nclock: node clock.js\n");
  await berth(["pull", "web:3", "--procfile", "Procfile", "-a", "procfile-file"], { home, cwd: repo });
  const [build] = JSON.parse((await berth(["builds", "--json", "-a", "procfile-file"], { home })).stdout);
  t.deepEqual(build.procfile, { web: "npm start", clock: "node clock.js" });
});

test("builds lists the builds; builds:info shows one by a uuid prefix", async (t) => {
  await app("listed");
  await berth(["pull", "web:1", "-a", "listed"], { home });
  const list = await berth(["builds", "-a", "listed"], { home });
  const lines = list.stdout.trimEnd().split("\n");
  t.is(lines[0], "=== listed Builds");
  t.regex(lines[1] ?? "", /^UUID +KIND +IMAGE +SHA +OWNER +CREATED$/);
  t.regex(lines[2] ?? "", /^[0-9a-f]{8} +image +web:1 +- +alice +\d{4}-/);
  const uuid = lines[2]?.slice(0, 8) ?? "";
  const info = await berth(["builds:info", uuid, "-a", "listed"], { home });
  t.regex(info.stdout, new RegExp(`^=== listed Build ${uuid}[0-9a-f-]{28}\nkind: +image\nimage: +web:1\n`));
});

test("an app without builds says how to make one", async (t) => {
  await app("unbuilt");
  t.regex((await berth(["builds", "-a", "unbuilt"], { home })).stdout, /^unbuilt has no builds yet: `git push berth main`/);
});

test("a bad image reference or Procfile line is refused with a hint", async (t) => {
  await app("refused");
  const image = await berth(["pull", "Not An Image", "-a", "refused"], { home });
  t.is(image.code, 1);
  t.regex(image.stderr, /error: image: "Not An Image" is not an image reference\nhint: e\.g\. /);
  const procfile = await berth(["pull", "web:1", "--procfile", "web node", "-a", "refused"], { home });
  t.is(procfile.code, 2);
  t.regex(procfile.stderr, /error: "web node" is not a Procfile line/);
  t.is(JSON.parse((await berth(["builds", "--json", "-a", "refused"], { home })).stdout).length, 0);
});
