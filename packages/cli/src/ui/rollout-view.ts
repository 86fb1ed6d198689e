import { describeProgress, type Release, type ReleaseStatus, type RolloutProgress } from "@berth/api";
import { render, Text } from "ink";
import { createElement as h, useEffect, useState } from "react";
import type { InputStream } from "../deps.ts";
import type { OutputStream } from "../output.ts";

const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** What the spinner says of a rollout's progress, after its title. */
function progressLabel(progress: RolloutProgress | null): string {
  return progress === null ? "" : ` ${describeProgress(progress)}`;
}

function Spinner({ label, color }: { label: string; color: boolean }) {
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setFrame((current) => (current + 1) % frames.length), 80);
    return () => clearInterval(timer);
  }, []);
  return h(Text, null, h(Text, color ? { color: "cyan" } : {}, frames[frame]), ` ${label}`);
}

export interface FollowOptions {
  /** What is being waited for: `deploying v3 of web…`. */
  title: string;
  /** Waits until the release settles, telling `onProgress` of each change on the way. */
  settle: (onProgress: (status: ReleaseStatus) => void) => Promise<Release>;
  stdout: OutputStream;
  stdin: InputStream;
  color: boolean;
}

/** Shows a spinner with the rollout's progress while the release rolls out; the frame is cleared when it ends. */
export async function followRollout(options: FollowOptions): Promise<Release> {
  const spinner = (progress: RolloutProgress | null) =>
    h(Spinner, { label: `${options.title}${progressLabel(progress)}`, color: options.color });
  const instance = render(spinner(null), {
    stdout: options.stdout as NodeJS.WritableStream,
    stderr: options.stdout as NodeJS.WritableStream,
    stdin: options.stdin,
    exitOnCtrlC: false,
    patchConsole: false,
    interactive: true,
  });
  try {
    return await options.settle((status) => instance.rerender(spinner(status.progress)));
  } finally {
    instance.clear();
    instance.unmount();
    await instance.waitUntilExit();
  }
}
