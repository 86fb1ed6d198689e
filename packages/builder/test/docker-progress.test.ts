import { PassThrough } from "node:stream";
import test from "ava";
import { buildImage, type DockerClient } from "../src/build/docker.ts";
import { BuildOutput } from "../src/build/output.ts";

/** An engine whose build streams what the test writes to `stream`. */
function engine(stream: PassThrough): DockerClient {
  return { buildImage: async () => stream, getImage: () => undefined } as unknown as DockerClient;
}

function build(stream: PassThrough) {
  const out = new BuildOutput(() => {});
  const done = buildImage(engine(stream), {
    context: new PassThrough(),
    dockerfile: "Dockerfile",
    tag: "t:1",
    network: undefined,
    buildArgs: {},
    signal: new AbortController().signal,
    out,
  });
  return { out, done };
}

const json = (events: object[]) => Buffer.from(events.map((event) => `${JSON.stringify(event)}\r\n`).join(""));

test("the build's output reaches the pusher as the engine streams it, a character cut between chunks kept whole", async (t) => {
  const stream = new PassThrough();
  const { out, done } = build(stream);
  const bytes = json([
    { stream: "Step 1/2 : FROM stack\n" },
    { status: "Pulling fs layer", progress: "[=>   ]", id: "abc" },
    { status: "Downloaded newer image" },
    { stream: " ---> Running in 🚢\n" },
    { aux: { ID: "sha256:1" } },
  ]);
  const cut = bytes.indexOf(Buffer.from("🚢")) + 1;
  stream.write(bytes.subarray(0, cut));
  stream.end(bytes.subarray(cut));
  await done;
  t.is(out.log, "Step 1/2 : FROM stack\nDownloaded newer image\n ---> Running in 🚢\n");
});

test("an error the engine reports fails the build with the engine's message", async (t) => {
  const stream = new PassThrough();
  const { out, done } = build(stream);
  const message = "The command '/bin/sh -c exit 3' returned a non-zero code: 3";
  stream.end(json([{ stream: "Step 2/2 : RUN exit 3\n" }, { errorDetail: { code: 3, message }, error: message }]));
  const error = await t.throwsAsync(done, { name: "BuildError" });
  t.is(error.message, `the build failed: ${message}`);
  t.is(out.log, "Step 2/2 : RUN exit 3\n");
});

test("a build stream the engine closes without ending it is a failed build, not a finished one", async (t) => {
  const stream = new PassThrough();
  const { done } = build(stream);
  stream.write(json([{ stream: "Step 1/2 : FROM stack\n" }]));
  setImmediate(() => stream.destroy());
  await t.throwsAsync(done, { message: "the Docker engine closed the build stream" });
});

test("a line from the engine that is not JSON is shown as output, never thrown where nothing catches it", async (t) => {
  const stream = new PassThrough();
  const { out, done } = build(stream);
  // Written from a later turn, as a socket delivers data: a throw in a stream handler would be uncaught.
  setImmediate(() => {
    stream.write(json([{ stream: "Step 1/2 : FROM stack\n" }]));
    setImmediate(() => stream.end(Buffer.from("<html>502 Bad Gateway</html>\r\n")));
  });
  await done;
  t.is(out.log, "Step 1/2 : FROM stack\n<html>502 Bad Gateway</html>\n");
});
