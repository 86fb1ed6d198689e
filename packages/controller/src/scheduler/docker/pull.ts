import type { Readable } from "node:stream";
import type Docker from "dockerode";
import { readLines } from "@berth/api";

/**
 * Pulls an image. The engine answers 200 and reports a failure inside its JSON-lines progress stream
 * (`{"error": …}`), so the stream is read to its end; a line that is not JSON is not an error.
 */
export async function pullImage(docker: Pick<Docker, "pull">, image: string): Promise<void> {
  const stream = (await docker.pull(image)) as Readable;
  let failure: string | undefined;
  for await (const line of readLines(stream)) {
    const error = errorOf(line);
    if (error !== undefined) failure ??= error;
  }
  if (failure !== undefined) throw new Error(failure);
}

function errorOf(line: string): string | undefined {
  if (line.trim() === "") return undefined;
  try {
    const event: unknown = JSON.parse(line);
    if (typeof event !== "object" || event === null || !("error" in event)) return undefined;
    return typeof event.error === "string" ? event.error : JSON.stringify(event.error);
  } catch {
    return undefined;
  }
}
