import { ALERT_KINDS, type AlertKind } from "@berth/api";
import { asObject, onlyKeys } from "../domain/validate.ts";
import { invalid } from "../errors.ts";
import { duration, KINDS, type RuleShape } from "./kinds.ts";

/** The longest window a rule may look back over (the traffic history keeps a day; an hour is plenty for alerts). */
export const MAX_WINDOW_SECONDS = 3600;

function kindOf(value: unknown): AlertKind {
  if (typeof value !== "string" || !(ALERT_KINDS as readonly string[]).includes(value)) {
    throw invalid("kind", `${JSON.stringify(value)?.slice(0, 40)} is not a kind of alert`, `kinds: ${ALERT_KINDS.join(", ")}`);
  }
  return value as AlertKind;
}

function numberIn(
  body: Record<string, unknown>,
  key: string,
  min: number,
  max: number,
  integer: boolean,
  hint?: string,
): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw invalid(key, integer ? "must be a whole number" : "must be a number", hint);
  }
  if (value < min || value > max) throw invalid(key, `must be from ${min} to ${max}`, hint);
  return value;
}

function channelIds(body: Record<string, unknown>): string[] | undefined {
  const value = body.channels;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length > 20 || !value.every((v) => typeof v === "string" && v.length <= 40)) {
    throw invalid("channels", "must be a list of channel ids", "`berth alerts:channels` lists them");
  }
  return [...new Set(value as string[])];
}

/** A rule's settings with the kind's defaults for what is not given, checked against what the kind takes. */
export function ruleShape(kind: AlertKind, body: Record<string, unknown>, tickSeconds: number, base?: RuleShape): RuleShape {
  const spec = KINDS[kind];
  const t = spec.threshold;
  const threshold =
    t === undefined ? undefined : numberIn(body, "threshold", t.min, t.max, kind === "crashes" || kind === "rollback", `in ${t.unit}`);
  if (t === undefined && body.threshold !== undefined) throw invalid("threshold", `a ${kind} rule takes no threshold`);
  const window =
    spec.windowSeconds === undefined
      ? undefined
      : numberIn(
          body,
          "windowSeconds",
          tickSeconds,
          MAX_WINDOW_SECONDS,
          true,
          `from the evaluation tick (${duration(tickSeconds)}) to 1 h`,
        );
  if (spec.windowSeconds === undefined && body.windowSeconds !== undefined)
    throw invalid("windowSeconds", `a ${kind} rule takes no window`);
  const forSeconds = numberIn(body, "forSeconds", 0, 86_400, true, "seconds the condition must hold before it fires, up to a day");
  if (!spec.metric && forSeconds !== undefined && forSeconds !== 0)
    throw invalid("forSeconds", `a ${kind} rule notifies per event; it takes no --for`);
  const minRequests = spec.minRequests === undefined ? undefined : numberIn(body, "minRequests", 1, 1_000_000, true);
  if (spec.minRequests === undefined && body.minRequests !== undefined)
    throw invalid("minRequests", `a ${kind} rule takes no request floor`);
  return {
    kind,
    threshold: threshold ?? base?.threshold ?? t?.default ?? null,
    windowSeconds: window ?? base?.windowSeconds ?? spec.windowSeconds ?? null,
    forSeconds: forSeconds ?? base?.forSeconds ?? spec.forSeconds,
    minRequests: minRequests ?? base?.minRequests ?? spec.minRequests ?? null,
  };
}

/** `POST /v2/apps/:id/alerts`. */
export function createRuleInput(value: unknown, tickSeconds: number): { shape: RuleShape; channels: string[] } {
  const body = asObject(value, "body");
  onlyKeys(body, ["kind", "threshold", "windowSeconds", "forSeconds", "minRequests", "channels"], "");
  return { shape: ruleShape(kindOf(body.kind), body, tickSeconds), channels: channelIds(body) ?? [] };
}

/** `PATCH /v2/apps/:id/alerts/:rule`. */
export function updateRuleInput(
  value: unknown,
  current: RuleShape,
  tickSeconds: number,
): { shape: RuleShape; channels: string[] | undefined; enabled: boolean | undefined } {
  const body = asObject(value, "body");
  onlyKeys(body, ["threshold", "windowSeconds", "forSeconds", "minRequests", "channels", "enabled"], "");
  if (body.enabled !== undefined && typeof body.enabled !== "boolean") throw invalid("enabled", "must be true or false");
  return {
    shape: ruleShape(current.kind, body, tickSeconds, current),
    channels: channelIds(body),
    enabled: body.enabled as boolean | undefined,
  };
}
