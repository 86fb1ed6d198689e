import { PassThrough, Writable } from "node:stream";

/** A stream that records what is written, and may pretend to be a terminal. */
export class FakeOutput extends Writable {
  text = "";
  isTTY: boolean;
  columns = 100;
  rows = 40;

  constructor(tty = false) {
    super();
    this.isTTY = tty;
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    this.emit("text", this.text);
    callback();
  }
}

/** Keys typed at a fake terminal (raw mode is a no-op) or lines piped in. */
export class FakeInput extends PassThrough {
  isTTY: boolean;
  rawMode = false;

  constructor(tty = false) {
    super();
    this.isTTY = tty;
  }

  setRawMode(mode: boolean): this {
    this.rawMode = mode;
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: removing ANSI escapes is the point
const ansi = /\u001b\[[0-9;?]*[a-zA-Z]|\u001b\][^\u0007]*\u0007/g;

/** What a person would read: the text without colour and cursor codes. */
export function plain(text: string): string {
  return text.replace(ansi, "");
}
