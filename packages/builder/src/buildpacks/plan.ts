import { type BuildKind, type Procfile, processCommand } from "@berth/api";

/** The files of the pushed commit, as detection sees them. */
export interface SourceTree {
  /** Names at the root of the tree. */
  entries: ReadonlySet<string>;
  /** A file's text, or undefined when there is no such file. */
  read(path: string): Promise<string | undefined>;
}

/** The stack image buildpacks build on, and the Node.js it ships. */
export interface Stack {
  image: string;
  /** `24.21.0`, from the image's NODE_VERSION; undefined when the image does not say. */
  nodeVersion: string | undefined;
}

/** A file the builder adds to the build context (the generated Dockerfile, helpers). */
export interface VirtualFile {
  path: string;
  content: string;
}

/** How a commit is built. */
export interface BuildPlan {
  kind: Extract<BuildKind, "dockerfile" | "buildpack">;
  /** Shown to the pusher: "Dockerfile", "Node.js", "static site", "Procfile". */
  pack: string;
  /** The Dockerfile to build, relative to the context. */
  dockerfile: string;
  files: VirtualFile[];
  /** Process types sent with the build (the Procfile's, plus the pack's default `web`). */
  procfile: Procfile;
  notes: string[];
  warnings: string[];
}

/** Directory of the files the builder adds to a buildpack context. */
export const GENERATED_DIR = ".berth-build";
export const GENERATED_DOCKERFILE = `${GENERATED_DIR}/Dockerfile`;

/** The image's CMD for a process command, run as instances run it (processCommand's supervisor). */
export function cmdLine(command: string | undefined): string {
  return command === undefined ? "" : `CMD ${JSON.stringify(processCommand(command))}\n`;
}
