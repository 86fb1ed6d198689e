import type { BuildKind, Procfile } from "@berth/api";

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

/**
 * A shell-form CMD line for a process command, for whoever runs the image by hand. Berth's instances
 * never use it: the schedulers run every process type's command under processCommand's supervisor,
 * whose script would fill the build output the pusher reads if it were written here.
 */
export function cmdLine(command: string | undefined): string {
  return command === undefined ? "" : `CMD ${JSON.stringify(["/bin/sh", "-c", command])}\n`;
}
