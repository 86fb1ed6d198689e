import type { ControllerClient, Release } from "@berth/api";
import { render, Text } from "ink";
import { createElement as h, useEffect, useState } from "react";
import type { InputStream } from "../deps.ts";
import type { OutputStream } from "../output.ts";
import { untilSettled } from "../rollout.ts";

const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

function Spinner({ label, color }: { label: string; color: boolean }) {
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setFrame((current) => (current + 1) % frames.length), 80);
    return () => clearInterval(timer);
  }, []);
  return h(Text, null, h(Text, color ? { color: "cyan" } : {}, frames[frame]), ` ${label}`);
}

export interface FollowOptions {
  client: ControllerClient;
  app: string;
  version: number;
  pollMs: number;
  stdout: OutputStream;
  stdin: InputStream;
  color: boolean;
  interrupt?: AbortSignal;
}

/** Shows a spinner while the release rolls out; the frame is cleared when it ends. */
export async function followRollout(options: FollowOptions): Promise<Release> {
  const instance = render(h(Spinner, { label: `deploying v${options.version} of ${options.app}…`, color: options.color }), {
    stdout: options.stdout as NodeJS.WritableStream,
    stderr: options.stdout as NodeJS.WritableStream,
    stdin: options.stdin,
    exitOnCtrlC: false,
    patchConsole: false,
    interactive: true,
  });
  try {
    return await untilSettled(options.client, options.app, options.version, options.pollMs, options.interrupt);
  } finally {
    instance.clear();
    instance.unmount();
    await instance.waitUntilExit();
  }
}
