/** Longest build log kept and sent to the controller; the end of a log matters most. */
const maxLog = 4 * 1024 * 1024;

/**
 * Where a build writes: each write goes to the pusher at once (as `remote:` lines) and into the log
 * that is stored with the build.
 */
export class BuildOutput {
  readonly #send: (text: string) => void;
  #log = "";

  constructor(send: (text: string) => void) {
    this.#send = send;
  }

  /** Raw text, as a build step printed it. */
  write(text: string): void {
    if (text === "") return;
    this.#send(text);
    this.#log += text;
    if (this.#log.length > maxLog) this.#log = `[… earlier output dropped]\n${this.#log.slice(-maxLog / 2)}`;
  }

  /** A stage of the build, Heroku style. */
  step(text: string): void {
    this.write(`-----> ${text}\n`);
  }

  /** A line indented under the current stage. */
  line(text: string): void {
    this.write(`       ${text}\n`);
  }

  warn(text: string): void {
    this.write(` !     ${text}\n`);
  }

  get log(): string {
    return this.#log;
  }
}
