import type { PageQuery } from "@berth/api";
import { UsageError } from "./errors.ts";

/** `--limit` as a page query. */
export function pageOf(limit: string | undefined): PageQuery {
  if (limit === undefined) return {};
  const value = Number(limit);
  if (!Number.isInteger(value) || value < 1 || value > 1000)
    throw new UsageError(`--limit ${limit} is not a number from 1 to 1000`, "e.g. --limit 20");
  return { limit: value };
}
