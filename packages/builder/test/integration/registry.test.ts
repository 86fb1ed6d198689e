import test from "ava";
import { makeRepo, push } from "../helpers/git-client.ts";
import { requireEnv } from "../helpers/env.ts";
import { ensureStackImage, STACK_IMAGE, startWorld } from "../helpers/world.ts";

const app = (marker: string) => ({ Dockerfile: `FROM ${STACK_IMAGE}\nRUN echo ${marker} ${Math.random()}\nCMD ["node", "-e", "0"]\n` });

test.before(async () => {
  await ensureStackImage(requireEnv("BERTH_TEST_DOCKER_HOST"));
});

test("in cluster mode the image is pushed to the registry and the release names the registry image", async (t) => {
  const registry = requireEnv("BERTH_TEST_REGISTRY");
  const world = await startWorld({ registry });
  t.teardown(() => world.close());
  await world.api.apps.create("reg");
  const run = await push(await makeRepo(app("reg"), world.home), world.remote("reg"), world.home);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stderr, new RegExp(`Pushing ${registry}/reg:git-[0-9a-f]{7}`));
  const build = (await world.api.builds.list("reg")).results[0];
  t.regex(build?.image ?? "", new RegExp(`^${registry}/reg:git-[0-9a-f]{7}$`));
  const tags = (await (await fetch(`http://${registry}/v2/reg/tags/list`)).json()) as { tags: string[] };
  t.true(tags.tags.includes(build?.image.split(":").at(-1) ?? "?"), JSON.stringify(tags));
});

test("a registry that cannot be reached fails the push and makes no release", async (t) => {
  const world = await startWorld({ registry: "127.0.0.1:9" });
  t.teardown(() => world.close());
  await world.api.apps.create("noreg");
  const run = await push(await makeRepo(app("noreg"), world.home), world.remote("noreg"), world.home);
  t.not(run.code, 0);
  t.regex(run.stderr, /pushing 127\.0\.0\.1:9\/noreg:git-[0-9a-f]{7} failed|cannot push 127\.0\.0\.1:9\/noreg/);
  t.regex(run.stderr, /BERTH_REGISTRY/);
  t.is((await world.api.builds.list("noreg")).count, 0);
});
