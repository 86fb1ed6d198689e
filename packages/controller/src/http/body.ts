import type { Context } from "koa";
import { BerthError } from "../errors.ts";

/**
 * The client closed the connection before its request body was complete. Not an API error: nobody
 * is left to answer, and nothing went wrong on the server's side.
 */
export class ClientClosedRequest extends Error {
  override readonly name = "ClientClosedRequest";
}

/**
 * Reads a JSON request body of at most `limit` bytes. An empty body reads as `{}`. Errors name
 * what is wrong (size, media type, the JSON syntax error) and never echo the body.
 */
export async function readJson(ctx: Context, limit: number): Promise<unknown> {
  const declared = Number(ctx.get("content-length") || "0");
  if (declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw tooLarge(limit);
      chunks.push(chunk);
    }
  } catch (error) {
    // A body that ends in a stream error before it is complete was cut off by the client (Node
    // reports it as an "aborted" ECONNRESET).
    if (!(error instanceof BerthError) && !ctx.req.complete) throw new ClientClosedRequest("the client closed the connection", { cause: error });
    throw error;
  }
  if (size === 0) return {};
  // Parsed as JSON whatever the declared type (curl -d sends a form type); the type is only
  // mentioned when the body is not JSON.
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch (error) {
    const type = ctx.get("content-type").split(";")[0] ?? "";
    if (type !== "" && !/json/i.test(type) && !/x-www-form-urlencoded/i.test(type)) {
      throw new BerthError("UNSUPPORTED_MEDIA_TYPE", `request bodies must be JSON, not ${type}`, {
        hint: "send Content-Type: application/json",
      });
    }
    const detail = error instanceof SyntaxError ? error.message.replace(/, ".*$/s, "") : "unreadable";
    throw new BerthError("INVALID_JSON", `the request body is not valid JSON (${detail})`, { hint: "check quoting and commas" });
  }
}

function tooLarge(limit: number): BerthError {
  return new BerthError("PAYLOAD_TOO_LARGE", `the request body is larger than ${Math.round(limit / 1024)} KiB`, {
    hint: "send less at once (config values may be at most 32 KiB each)",
  });
}

/** Aborts when the response is over: sent, or its connection closed by the client (who then waits no more). */
export function untilGone(ctx: Context): AbortSignal {
  const gone = new AbortController();
  ctx.res.once("close", () => gone.abort());
  return gone.signal;
}
