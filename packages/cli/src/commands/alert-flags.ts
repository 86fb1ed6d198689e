import { ALERT_KINDS, type AlertKind, type UpdateAlertRuleRequest } from "@berth/api";
import type { Flags, OptionSpecs } from "../command.ts";
import { parseDuration } from "../duration.ts";
import { UsageError } from "../errors.ts";
import { suggest } from "../suggest.ts";

/** The options of `alerts:add` and `alerts:update`: a rule's condition and where it notifies. */
export const ruleOptions = {
  threshold: {
    type: "string",
    description: "errors: 5xx share in %; latency: p95 in ms; crashes: count; memory: % of the limit",
    placeholder: "n",
  },
  window: { type: "string", description: "over how long the figure is taken: 30s, 5m, 1h (metric kinds)", placeholder: "duration" },
  for: { type: "string", description: "how long the condition must hold before it fires, e.g. 2m (0s: at once)", placeholder: "duration" },
  "min-requests": { type: "string", description: "errors: never fire on fewer requests than this in the window", placeholder: "n" },
  channel: {
    type: "string",
    multiple: true,
    description: "notify only this channel; repeat for more (default: every channel of the app)",
    placeholder: "id",
  },
} as const satisfies OptionSpecs;

/** What the rule options ask for, in the API's terms; every mistake refused here, before any request. */
export type RuleChange = Omit<UpdateAlertRuleRequest, "enabled">;

export function alertKind(raw: string): AlertKind {
  const kind = ALERT_KINDS.find((k) => k === raw);
  if (kind !== undefined) return kind;
  const close = suggest(raw, [...ALERT_KINDS]);
  throw new UsageError(
    `unknown alert kind "${raw}"`,
    `${close.length > 0 ? `did you mean ${close.join(" or ")}? ` : ""}the kinds are ${ALERT_KINDS.join(", ")}`,
  );
}

/** `30s`, `5m`, `1h`, `1d` → seconds; at least `min`. */
export function durationFlag(name: string, raw: string, min: number): number {
  const seconds = parseDuration(raw);
  if (seconds === undefined || seconds < min) {
    throw new UsageError(
      `--${name}: "${raw}" is not a duration like 30s, 5m or 1h${min > 0 ? " (more than 0)" : ""}`,
      "a whole number and s, m, h or d, e.g. `--window 5m --for 2m`",
    );
  }
  return seconds;
}

function numberFlag(name: string, raw: string, integer: boolean): number {
  if (!(integer ? /^[0-9]{1,9}$/ : /^[0-9]{1,9}(\.[0-9]+)?$/).test(raw)) {
    throw new UsageError(`--${name}: "${raw}" is not a ${integer ? "whole " : ""}number`, `e.g. --${name} ${integer ? "20" : "5"}`);
  }
  return Number(raw);
}

export function ruleChange(flags: Flags<typeof ruleOptions>): RuleChange {
  const change: RuleChange = {};
  if (flags.threshold !== undefined) change.threshold = numberFlag("threshold", flags.threshold, false);
  if (flags.window !== undefined) change.windowSeconds = durationFlag("window", flags.window, 1);
  if (flags.for !== undefined) change.forSeconds = durationFlag("for", flags.for, 0);
  if (flags["min-requests"] !== undefined) change.minRequests = numberFlag("min-requests", flags["min-requests"], true);
  if (flags.channel !== undefined) change.channels = flags.channel;
  return change;
}

/** `--enabled true|false`. */
export function enabledFlag(raw: string): boolean {
  if (raw === "true" || raw === "false") return raw === "true";
  throw new UsageError(`--enabled: "${raw}" is not true or false`, "or use `berth alerts:enable` / `berth alerts:disable`");
}
