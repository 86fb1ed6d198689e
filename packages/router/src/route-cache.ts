import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { RouteTable } from "@berth/api";
import { parseRouteTable } from "./route-table.ts";

/**
 * The last route table on disk, so a restarted router serves at once and without the controller.
 * Writes are atomic (temp file + rename) and serialised: a reader never sees half a table, and the
 * newest table always wins.
 */
export class RouteCache {
  readonly file: string;
  #writing: Promise<void> | undefined;
  #next: RouteTable | undefined;

  constructor(file: string) {
    this.file = file;
  }

  /** The cached table, or undefined when there is none yet. A corrupt cache is an error naming the file. */
  async load(): Promise<RouteTable | undefined> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    try {
      return parseRouteTable(JSON.parse(text));
    } catch (error) {
      throw new Error(`route cache ${this.file} is unreadable (${(error as Error).message}) — delete it; the router refetches`, {
        cause: error,
      });
    }
  }

  /** Queues `table` for writing; resolves when it (or a newer one) is on disk. */
  save(table: RouteTable): Promise<void> {
    this.#next = table;
    this.#writing ??= this.#drain().finally(() => {
      this.#writing = undefined;
    });
    return this.#writing;
  }

  /** Resolves once no write is in progress (errors were already reported by `save`). */
  async idle(): Promise<void> {
    await this.#writing?.catch(() => {});
  }

  async #drain(): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    while (this.#next !== undefined) {
      const table = this.#next;
      this.#next = undefined;
      const temp = `${this.file}.${randomBytes(4).toString("hex")}.tmp`;
      try {
        await writeFile(temp, JSON.stringify(table), { mode: 0o600 });
        await rename(temp, this.file);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    }
  }
}
