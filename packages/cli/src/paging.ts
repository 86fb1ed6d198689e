import type { Page, PageQuery } from "@berth/api";
import type { Printer } from "./output.ts";
import { UsageError } from "./errors.ts";

/** `--limit` as a page query. */
export function pageOf(limit: string | undefined): PageQuery {
  if (limit === undefined) return {};
  const value = Number(limit);
  if (!Number.isInteger(value) || value < 1 || value > 1000)
    throw new UsageError(`--limit ${limit} is not a number from 1 to 1000`, "e.g. --limit 20");
  return { limit: value };
}

/** Says (on stderr, so scripts reading stdout are not disturbed) when a list is cut short. */
export function noteTruncated(printer: Printer, page: Page<unknown>, what: string): void {
  if (page.count > page.results.length)
    printer.line(`${page.results.length} of ${page.count} ${what} shown; --limit shows more (up to 1000)`);
}
