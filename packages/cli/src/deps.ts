import type { Fetch } from "@berth/api";
import type { OutputStream } from "./output.ts";

/** Where keys come from: a terminal (raw mode for prompts) or a pipe. */
export interface InputStream extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/** Everything a command touches outside itself; bin.ts builds the real ones, tests pass fakes. */
export interface CliDeps {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: InputStream;
  env: Record<string, string | undefined>;
  cwd: string;
  home: string;
  version: string;
  /** The command line that runs this CLI (`node …/bin/berth.js`), for git's credential helper. */
  self: string[];
  /** Opens a URL in the browser. */
  openUrl(url: string): Promise<void>;
  fetch?: Fetch;
  /** Aborted when the user presses Ctrl-C: waits and requests stop, and the exit code is 130. */
  interrupt?: AbortSignal;
}
