/** A line went past {@link LineSplitterOptions.maxLength} before its newline came. */
export class LineTooLongError extends Error {
  override readonly name = "LineTooLongError";
  readonly maxLength: number;

  constructor(maxLength: number) {
    super(`a line is longer than ${maxLength} characters`);
    this.maxLength = maxLength;
  }
}

export interface LineSplitterOptions {
  /** The longest line accepted, in characters; a longer one throws {@link LineTooLongError}. No limit by default. */
  maxLength?: number;
}

const withoutCr = (line: string) => (line.endsWith("\r") ? line.slice(0, -1) : line);

/**
 * Splits a byte stream into lines as its chunks arrive, for the newline-delimited streams Berth's
 * parts exchange (JSON lines, engine events, log lines). UTF-8 is decoded across chunks, so a
 * character cut between two chunks stays whole; lines end at `\n` or `\r\n`, which are not part
 * of the line; empty lines are given too (callers skip keep-alives as they see fit).
 */
export class LineSplitter {
  readonly #decoder = new TextDecoder();
  readonly #maxLength: number;
  #partial = "";

  constructor(options: LineSplitterOptions = {}) {
    this.#maxLength = options.maxLength ?? Number.POSITIVE_INFINITY;
  }

  /** The whole lines that `chunk` completes, in order. */
  push(chunk: Uint8Array): string[] {
    const text = this.#decoder.decode(chunk, { stream: true });
    let newline = text.indexOf("\n");
    if (newline < 0) {
      this.#partial += text;
      this.#checkPartial();
      return [];
    }
    const lines = [this.#check(withoutCr(this.#partial + text.slice(0, newline)))];
    let start = newline + 1;
    for (newline = text.indexOf("\n", start); newline >= 0; newline = text.indexOf("\n", start)) {
      lines.push(this.#check(withoutCr(text.slice(start, newline))));
      start = newline + 1;
    }
    this.#partial = text.slice(start);
    this.#checkPartial();
    return lines;
  }

  /** Once the stream has ended: its last line when that had no newline (none otherwise). */
  end(): string[] {
    const rest = this.#partial + this.#decoder.decode();
    this.#partial = "";
    return rest === "" ? [] : [this.#check(withoutCr(rest))];
  }

  #check(line: string): string {
    if (line.length > this.#maxLength) throw new LineTooLongError(this.#maxLength);
    return line;
  }

  /** Fails as soon as the line being read is too long, rather than buffering it to its end. */
  #checkPartial(): void {
    const cr = this.#partial.endsWith("\r") ? 1 : 0;
    if (this.#partial.length - cr > this.#maxLength) throw new LineTooLongError(this.#maxLength);
  }
}

/** The lines of a byte stream (a fetch body, a Node readable), as {@link LineSplitter} splits them. */
export async function* readLines(source: AsyncIterable<Uint8Array>, options: LineSplitterOptions = {}): AsyncGenerator<string> {
  const splitter = new LineSplitter(options);
  for await (const chunk of source) yield* splitter.push(chunk);
  yield* splitter.end();
}
