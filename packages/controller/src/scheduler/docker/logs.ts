import { StringDecoder } from "node:string_decoder";

export interface EngineLine {
  time: string;
  line: string;
}

function parseLine(text: string): EngineLine {
  const space = text.indexOf(" ");
  return space > 0 ? { time: text.slice(0, space), line: text.slice(space + 1) } : { time: "", line: text };
}

/**
 * Reads the engine's multiplexed log stream (8-byte frame headers: stream, 0, 0, 0, size) as chunks
 * arrive, a frame or a line possibly spanning chunks, into lines led by the timestamp the engine
 * adds with `timestamps: true`. A stream without frames (a TTY) is read as plain text.
 */
export class LogReader {
  #framed: boolean | undefined;
  #pending: Buffer = Buffer.alloc(0);
  readonly #decoder = new StringDecoder("utf8");
  #partial = "";

  /** The whole lines that `chunk` completes. */
  push(chunk: Buffer): EngineLine[] {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    if (this.#framed === undefined) {
      if (this.#pending.length < 4) return [];
      const head = this.#pending;
      this.#framed = (head[0] === 1 || head[0] === 2) && head[1] === 0 && head[2] === 0 && head[3] === 0;
    }
    let text = "";
    if (!this.#framed) {
      text = this.#decoder.write(this.#pending);
      this.#pending = Buffer.alloc(0);
    }
    let offset = 0;
    while (this.#framed && offset + 8 <= this.#pending.length) {
      const size = this.#pending.readUInt32BE(offset + 4);
      if (offset + 8 + size > this.#pending.length) break;
      text += this.#decoder.write(this.#pending.subarray(offset + 8, offset + 8 + size));
      offset += 8 + size;
    }
    if (offset > 0) this.#pending = this.#pending.subarray(offset);
    const lines = (this.#partial + text).split("\n");
    this.#partial = lines.pop() ?? "";
    return lines.filter((l) => l !== "").map(parseLine);
  }

  /** What is left once the stream ended: a last line without a newline, or a few bytes too short to tell framing by. */
  end(): EngineLine[] {
    let rest = this.#partial + this.#decoder.end();
    if (this.#framed === undefined) rest += this.#pending.toString("utf8");
    this.#partial = "";
    this.#pending = Buffer.alloc(0);
    return rest
      .split("\n")
      .filter((l) => l !== "")
      .map(parseLine);
  }
}

/** The lines of a whole (not followed) log read. */
export function demuxLogs(raw: Buffer): EngineLine[] {
  const reader = new LogReader();
  return [...reader.push(raw), ...reader.end()];
}
