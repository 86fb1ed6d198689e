import { PassThrough, type Readable, Transform } from "node:stream";
import type Docker from "dockerode";
import type { LogRequest } from "../pod-logs.ts";

/** Splits Docker's multiplexed log frames (8-byte header, then the payload) from a whole buffer. */
function demuxBuffer(buffer: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(at + 4);
    parts.push(buffer.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(parts);
}

function limit(bytes: number): Transform {
  let left = bytes;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (left <= 0) return done();
      const part = chunk.subarray(0, left);
      left -= part.length;
      done(null, part);
    },
  });
}

/** A container's stdout and stderr interleaved, as `/log` serves them (plain text, no framing). */
export async function containerLogs(docker: Docker, containerId: string, request: LogRequest): Promise<Readable> {
  const container = docker.getContainer(containerId);
  const base: Docker.ContainerLogsOptions = {
    stdout: true,
    stderr: true,
    timestamps: request.timestamps,
    since: request.sinceSeconds ? Math.floor(Date.now() / 1000) - request.sinceSeconds : 0,
  };
  if (request.tailLines !== undefined) base.tail = request.tailLines;
  const out = new PassThrough();
  if (request.follow) {
    const stream = (await container.logs({ ...base, follow: true })) as Readable;
    docker.modem.demuxStream(stream, out, out);
    stream.on("end", () => out.end());
    stream.on("error", (error: Error) => out.destroy(error));
    out.on("close", () => stream.destroy());
  } else {
    const buffer = await container.logs({ ...base, follow: false });
    out.end(demuxBuffer(buffer));
  }
  return request.limitBytes ? out.pipe(limit(request.limitBytes)) : out;
}
