import { randomInt } from "node:crypto";
import { invalid } from "../errors.ts";

/** DNS-1123 label starting with a letter: it becomes a host name, a namespace and a container name. */
const appName = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Names the platform itself answers on, or that would be confusing as app hosts. */
export const RESERVED_APP_NAMES: ReadonlySet<string> = new Set([
  "berth",
  "api",
  "admin",
  "git",
  "builder",
  "controller",
  "router",
  "registry",
  "www",
  "dashboard",
  "deis",
  "kube-system",
  "kube-public",
  "default",
  "localhost",
  "healthz",
  "readyz",
  "metrics",
]);

export function validateAppName(name: unknown, field = "id"): string {
  if (typeof name !== "string") throw invalid(field, "must be a string");
  const hint = "use lowercase letters, digits and dashes, starting with a letter (e.g. my-app)";
  if (name.length === 0) throw invalid(field, "must not be empty", hint);
  if (name.length > 63) throw invalid(field, `"${name.slice(0, 63)}…" is longer than 63 characters`, hint);
  if (!appName.test(name)) throw invalid(field, `"${name}" is not a valid app name`, hint);
  if (RESERVED_APP_NAMES.has(name)) throw invalid(field, `"${name}" is reserved by the platform`, "pick another name");
  return name;
}

const usernamePattern = /^[a-z0-9]([a-z0-9._-]{0,37}[a-z0-9])?$/;

export function validateUsername(name: unknown, field = "username"): string {
  if (typeof name !== "string") throw invalid(field, "must be a string");
  if (!usernamePattern.test(name)) {
    throw invalid(
      field,
      `"${name.slice(0, 40)}" is not a valid username`,
      "use 1-39 lowercase letters, digits, dots, dashes or underscores",
    );
  }
  return name;
}

const adjectives = [
  "amber",
  "bold",
  "brisk",
  "calm",
  "clever",
  "cosmic",
  "crisp",
  "daring",
  "eager",
  "fancy",
  "gentle",
  "golden",
  "happy",
  "jolly",
  "keen",
  "lively",
  "lucky",
  "mellow",
  "misty",
  "noble",
  "quiet",
  "rapid",
  "rustic",
  "sunny",
  "swift",
  "tidy",
  "vivid",
  "witty",
  "young",
  "zesty",
];
const nouns = [
  "anchor",
  "badger",
  "beacon",
  "canoe",
  "comet",
  "dingo",
  "falcon",
  "ferry",
  "gecko",
  "harbor",
  "heron",
  "island",
  "kayak",
  "lagoon",
  "marlin",
  "otter",
  "pier",
  "quay",
  "reef",
  "schooner",
  "tapir",
  "tide",
  "vessel",
  "walrus",
  "wharf",
  "yacht",
];

/** A readable random app name like `brisk-otter-4821`. */
export function randomAppName(): string {
  const pick = (words: string[]) => words[randomInt(words.length)] ?? "app";
  return `${pick(adjectives)}-${pick(nouns)}-${randomInt(1000, 10000)}`;
}
