import { LineSplitter } from "@berth/api";

export interface EngineLine {
  time: string;
  line: string;
}

/** Lines led by the engine's timestamp (`timestamps: true`); empty lines are no log lines. */
function parseLines(lines: string[]): EngineLine[] {
  return lines
    .filter((text) => text !== "")
    .map((text) => {
      const space = text.indexOf(" ");
      return space > 0 ? { time: text.slice(0, space), line: text.slice(space + 1) } : { time: "", line: text };
    });
}

/**
 * Reads the engine's multiplexed log stream (8-byte frame headers: stream, 0, 0, 0, size) as chunks
 * arrive, a frame or a line possibly spanning chunks, into lines led by the timestamp the engine
 * adds with `timestamps: true`. A stream without frames (a TTY) is read as plain text.
 */
export class LogReader {
  #framed: boolean | undefined;
  #pending: Buffer = Buffer.alloc(0);
  readonly #lines = new LineSplitter();

  /** The whole lines that `chunk` completes. */
  push(chunk: Buffer): EngineLine[] {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    if (this.#framed === undefined) {
      if (this.#pending.length < 4) return [];
      const head = this.#pending;
      this.#framed = (head[0] === 1 || head[0] === 2) && head[1] === 0 && head[2] === 0 && head[3] === 0;
    }
    if (!this.#framed) {
      const text = this.#pending;
      this.#pending = Buffer.alloc(0);
      return parseLines(this.#lines.push(text));
    }
    const lines: string[] = [];
    let offset = 0;
    while (offset + 8 <= this.#pending.length) {
      const size = this.#pending.readUInt32BE(offset + 4);
      if (offset + 8 + size > this.#pending.length) break;
      lines.push(...this.#lines.push(this.#pending.subarray(offset + 8, offset + 8 + size)));
      offset += 8 + size;
    }
    if (offset > 0) this.#pending = this.#pending.subarray(offset);
    return parseLines(lines);
  }

  /** What is left once the stream ended: a last line without a newline, or a few bytes too short to tell framing by. */
  end(): EngineLine[] {
    const rest = this.#framed === undefined ? this.#lines.push(this.#pending) : [];
    this.#pending = Buffer.alloc(0);
    return parseLines([...rest, ...this.#lines.end()]);
  }
}

/** The lines of a whole (not followed) log read. */
export function demuxLogs(raw: Buffer): EngineLine[] {
  const reader = new LogReader();
  return [...reader.push(raw), ...reader.end()];
}
