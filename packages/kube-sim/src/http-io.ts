import type { IncomingMessage, ServerResponse } from "node:http";
import { KubeError, badRequest } from "./status.ts";

const maxBody = 3 * 1024 * 1024;

/** The request body as JSON; an empty body is `undefined`. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBody) throw new KubeError(413, "RequestEntityTooLarge", `the request body is larger than ${maxBody} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`the request body is not valid JSON: ${(error as Error).message}`);
  }
}

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const kubeError =
    error instanceof KubeError
      ? error
      : new KubeError(500, "InternalError", `Internal error occurred: ${(error as Error).message ?? String(error)}`);
  sendJson(res, kubeError.code, kubeError.toStatus());
}
