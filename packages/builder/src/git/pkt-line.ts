/** The two smart-HTTP services a git client POSTs to. */
export type GitService = "git-receive-pack" | "git-upload-pack";

/** One ref update of a push: `<old> <new> <ref>`. */
export interface RefCommand {
  old: string;
  next: string;
  ref: string;
}

/** What a request says before its pack (receive-pack) or its `have` lines (upload-pack). */
export interface RequestHead {
  /** Bytes the head takes, up to and including its flush packet. */
  length: number;
  /** Capabilities the client asked for on its first line (`side-band-64k`, `report-status`, …). */
  capabilities: string[];
  /** The ref updates of a push; empty for a fetch and for git's "0000" probe. */
  commands: RefCommand[];
}

export type HeadParse = { state: "incomplete" } | { state: "invalid"; reason: string } | { state: "complete"; head: RequestHead };

/** Longest head accepted: about ten thousand ref updates. */
export const MAX_HEAD_BYTES = 1024 * 1024;
const MAX_PKT = 65520;
const oid = /^([0-9a-f]{40}|[0-9a-f]{64})$/;
// A ref name as git's check-ref-format allows, near enough to refuse what git never sends.
const refName = /^refs\/[^\p{Cc} ~^:?*[\\]+$/u;
/** First-section lines of a protocol v0 fetch, besides `want`. */
const fetchLines = /^(want|shallow|deepen|deepen-since|deepen-not|filter) \S/;

function command(line: string, first: boolean): RefCommand | { caps: string[]; command: RefCommand } | string {
  const nul = line.indexOf("\0");
  const text = nul >= 0 ? line.slice(0, nul) : line;
  if (nul >= 0 && !first) return "only the first ref update may carry capabilities";
  const [old, next, ref, ...extra] = text.split(" ");
  if (old === undefined || next === undefined || ref === undefined || extra.length > 0 || !oid.test(old) || !oid.test(next)) {
    return "a ref update must read `<old-id> <new-id> <ref>`";
  }
  if (!refName.test(ref)) return `"${ref.slice(0, 80).replace(/[^\x20-\x7e]/g, "?")}" is not a ref name`;
  const parsed = { old, next, ref };
  return nul >= 0
    ? {
        caps: line
          .slice(nul + 1)
          .split(" ")
          .filter((c) => c !== ""),
        command: parsed,
      }
    : parsed;
}

/**
 * Reads the head of a smart-HTTP request body (protocol v0, the only one the builder serves), chunk
 * by chunk: the pkt-lines up to the first flush. For a push those are the ref updates, optionally
 * after `shallow` lines; for a fetch the `want` lines. Anything else is not a git request.
 */
export class HeadReader {
  readonly #service: GitService;
  readonly #capabilities: string[] = [];
  readonly #commands: RefCommand[] = [];
  // Grown by doubling: a head trickled in byte by byte must not be copied once per byte.
  #buffer = Buffer.alloc(0);
  #length = 0;
  /** Where the next unread pkt-line starts in `#data`. */
  #offset = 0;
  #lines = 0;

  constructor(service: GitService) {
    this.#service = service;
  }

  /** The bytes seen so far, head and whatever followed it in the same chunks. */
  get data(): Buffer {
    return this.#buffer.subarray(0, this.#length);
  }

  push(chunk: Buffer): HeadParse {
    if (this.#length + chunk.length > this.#buffer.length) {
      const grown = Buffer.alloc(Math.max(2 * this.#buffer.length, this.#length + chunk.length, 4096));
      this.#buffer.copy(grown, 0, 0, this.#length);
      this.#buffer = grown;
    }
    chunk.copy(this.#buffer, this.#length);
    this.#length += chunk.length;
    const data = this.data;
    for (;;) {
      if (this.#offset > MAX_HEAD_BYTES) return invalid(`the request's ref list is longer than ${MAX_HEAD_BYTES / 1024} KiB`);
      if (data.length < this.#offset + 4) return { state: "incomplete" };
      const prefix = data.toString("latin1", this.#offset, this.#offset + 4);
      if (!/^[0-9a-f]{4}$/.test(prefix)) return invalid("the body does not start with git pkt-lines");
      const size = Number.parseInt(prefix, 16);
      if (size === 0) {
        if (this.#service === "git-upload-pack" && this.#lines === 0) return invalid("a fetch must want at least one object");
        return { state: "complete", head: { length: this.#offset + 4, capabilities: this.#capabilities, commands: this.#commands } };
      }
      if (size < 4 || size > MAX_PKT) return invalid(`a pkt-line of length ${prefix} is not allowed here`);
      if (data.length < this.#offset + size) return { state: "incomplete" };
      const line = data.toString("latin1", this.#offset + 4, this.#offset + size).replace(/\n$/, "");
      this.#offset += size;
      const refused = this.#service === "git-upload-pack" ? this.#wantLine(line) : this.#pushLine(line);
      if (refused !== undefined) return invalid(refused);
      this.#lines++;
    }
  }

  #wantLine(line: string): string | undefined {
    if (this.#lines > 0)
      return fetchLines.test(line) ? undefined : "a fetch's first section holds only want, shallow, deepen and filter lines";
    const [word, id, ...caps] = line.split(" ");
    if (word !== "want" || id === undefined || !oid.test(id)) return "a fetch must start with `want <object-id>`";
    this.#capabilities.push(...caps.filter((c) => c !== ""));
    return undefined;
  }

  #pushLine(line: string): string | undefined {
    if (this.#commands.length === 0 && /^shallow [0-9a-f]+$/.test(line)) return undefined;
    const parsed = command(line, this.#commands.length === 0);
    if (typeof parsed === "string") return parsed;
    if ("caps" in parsed) {
      this.#capabilities.push(...parsed.caps);
      this.#commands.push(parsed.command);
    } else this.#commands.push(parsed);
    return undefined;
  }
}

function invalid(reason: string): HeadParse {
  return { state: "invalid", reason };
}

/** One pkt-line carrying `payload`. */
export function pktLine(payload: string | Buffer): Buffer {
  const body = typeof payload === "string" ? Buffer.from(payload) : payload;
  return Buffer.concat([Buffer.from((body.length + 4).toString(16).padStart(4, "0")), body]);
}

export const FLUSH = Buffer.from("0000");
