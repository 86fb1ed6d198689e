import type { ObjectList } from "./registry.ts";
import { KubeError, badRequest } from "./status.ts";
import type { KubeObject } from "./types.ts";

export interface Page {
  resourceVersion: string;
  items: KubeObject[];
  continue?: string;
}

interface Token {
  rv: string;
  start: number;
}

/**
 * `limit`/`continue` chunking. Tokens carry the first chunk's resourceVersion, which every later chunk
 * reports; the items are read at the time of each request (a real server reads them at that version).
 */
export function paginate(list: ObjectList, limitParam: string | null, continueParam: string | null): Page {
  let start = 0;
  let rv = list.resourceVersion;
  if (continueParam) {
    let token: Token;
    try {
      token = JSON.parse(Buffer.from(continueParam, "base64url").toString("utf8")) as Token;
    } catch {
      throw badRequest(`continue key is not valid: "${continueParam}"`);
    }
    if (!Number.isInteger(token.start) || typeof token.rv !== "string")
      throw new KubeError(410, "Expired", "The provided continue parameter is too old to display a consistent list result.");
    start = token.start;
    rv = token.rv;
  }
  const limit = limitParam ? Number(limitParam) : 0;
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`invalid limit "${limitParam}"`);
  const end = limit > 0 ? start + limit : list.items.length;
  const page: Page = { resourceVersion: rv, items: list.items.slice(start, end) };
  if (end < list.items.length) page.continue = Buffer.from(JSON.stringify({ rv, start: end })).toString("base64url");
  return page;
}
