import { Readable } from "node:stream";
import test from "ava";
import type Docker from "dockerode";
import { pullImage } from "../src/scheduler/docker/pull.ts";

/** A dockerode `pull` whose engine sends these chunks as its progress stream. */
function engine(...chunks: string[]): Pick<Docker, "pull"> {
  return { pull: (async () => Readable.from(chunks.map((c) => Buffer.from(c)))) as unknown as Docker["pull"] };
}

test("a pull whose stream ends without an error succeeds, whatever else the engine printed", async (t) => {
  await t.notThrowsAsync(
    pullImage(engine('{"status":"Pulling from shop"}\n{"status":"Downl', 'oad complete"}\n', "a proxy's banner, not JSON\n", "\n"), "shop:1"),
  );
});

test("an error inside the stream fails the pull with the engine's words, a line cut across chunks included", async (t) => {
  const error = await t.throwsAsync(
    pullImage(engine('{"status":"Pulling"}\nnot json\n{"error":"manifest for shop:9 not', ' found","errorDetail":{}}\n{"status":"x"}'), "shop:9"),
  );
  t.is(error?.message, "manifest for shop:9 not found");
});
