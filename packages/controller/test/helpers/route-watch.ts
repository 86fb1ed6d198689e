import type { RouteTable } from "@berth/api";

/** Reads NDJSON lines from a streaming response as they come. */
export function lines(response: Response): () => Promise<RouteTable> {
  const reader = response.body?.getReader();
  if (!reader) throw new Error("no body");
  let buffer = "";
  const decoder = new TextDecoder();
  return async () => {
    for (;;) {
      const newline = buffer.indexOf("\n");
      if (newline >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        return JSON.parse(line) as RouteTable;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error("stream ended");
      buffer += decoder.decode(value, { stream: true });
    }
  };
}
