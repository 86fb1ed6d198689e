import { type Key, render, Text, useInput } from "ink";
import { createElement as h, useEffect, useState } from "react";
import { Interrupted } from "../errors.ts";
import type { OutputStream } from "../output.ts";
import type { InputStream } from "../deps.ts";

interface PromptProps {
  question: string;
  secret: boolean;
  color: boolean;
  onSubmit(value: string): void;
  onCancel(): void;
}

/** One line of input; a secret one shows nothing of what is typed. */
function Prompt({ question, secret, color, onSubmit, onCancel }: PromptProps) {
  const [value, setValue] = useState("");
  const [done, setDone] = useState(false);
  // Submit once the answered frame is rendered, so it stays on the screen after Ink unmounts.
  useEffect(() => {
    if (done) onSubmit(value);
  }, [done, value, onSubmit]);
  useInput(
    (input: string, key: Key) => {
      if (key.ctrl && input === "c") return onCancel();
      if (key.return) return setDone(true);
      if (key.backspace || key.delete) return setValue((current) => current.slice(0, -1));
      if (key.ctrl || key.meta || key.escape) return;
      // Typed-ahead or pasted text can arrive in one chunk with its Enter.
      const end = input.search(/[\r\n]/);
      if (end >= 0) {
        setValue((current) => current + input.slice(0, end));
        return setDone(true);
      }
      setValue((current) => current + input);
    },
    { isActive: !done },
  );
  return h(Text, null, h(Text, { bold: color }, question), " ", secret ? "" : value);
}

export interface AskStreams {
  stdin: InputStream;
  stdout: OutputStream;
  secret: boolean;
  color: boolean;
}

/** Renders the prompt with Ink on the given streams and resolves with the answer. */
export function ask(question: string, streams: AskStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      instance.unmount();
      void instance.waitUntilExit().then(outcome, outcome);
    };
    const instance = render(
      h(Prompt, {
        question,
        secret: streams.secret,
        color: streams.color,
        onSubmit: (value) => finish(() => resolve(value)),
        onCancel: () => finish(() => reject(new Interrupted())),
      }),
      {
        stdin: streams.stdin,
        stdout: streams.stdout as NodeJS.WritableStream,
        stderr: streams.stdout as NodeJS.WritableStream,
        exitOnCtrlC: false,
        patchConsole: false,
        interactive: true,
      },
    );
  });
}
