import { availableParallelism, loadavg } from "node:os";
import type { LoadClient } from "../../packages/platform/test/helpers/load.ts";
import type { RolloutBenchOptions } from "./options.ts";
import { type Totals, totals, type Window } from "./windows.ts";

/** A rollout window with what the platform said during it and how its release ended. */
export interface Round {
  rollout: Window;
  quiet: Window;
  version: number;
  /** `deployed`, or what else the release ended as, with the reason. */
  outcome: string;
  /** The app's log (the platform's events and the instances' output) from the change on, ms after it. */
  events: { atMs: number; line: string }[];
}

const FIRST_FAILURES = 5;
const TIMELINE_FAILURES = 20;
const clientNames: Record<LoadClient, string> = { keepAlive: "keep-alive", fresh: "new-connection", slow: "slow (/slow)" };

export const seconds = (ms: number | undefined) => (ms === undefined ? "never" : `${(ms / 1000).toFixed(2)} s`);
const count = (n: number) => n.toLocaleString("en-US");
const percent = (failed: number, requests: number) => (requests === 0 ? "n/a" : `${((failed / requests) * 100).toFixed(3)}%`);
const rate = (requests: number, ms: number) => (ms === 0 ? 0 : requests / (ms / 1000));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function row(label: string, ms: number, requests: number, failed: number, extra = ""): string {
  return (
    `  ${label.padEnd(22)} ${seconds(ms).padStart(8)} ${count(requests).padStart(10)}   ` +
    `${`${count(failed)} (${percent(failed, requests)})`.padEnd(16)} ${`${rate(requests, ms).toFixed(0)}/s`.padStart(7)}   ${extra}`
  ).trimEnd();
}

/** The first failures, each with its window, when it came after the window opened, and its client. */
export function failureLines(failures: Totals["failures"], limit = FIRST_FAILURES): string[] {
  return failures
    .slice(0, limit)
    .map((f) => `    ${f.window} +${seconds(f.atMs)} ${clientNames[f.client]} client: ${f.reason.replace(/\s+/g, " ").slice(0, 240)}`);
}

/** A rollout's failures placed among the app's log lines, so the phase each came in shows. */
export function timeline(round: Round): string[] {
  const items = [
    ...round.events.map((e) => ({ atMs: e.atMs, text: e.line })),
    ...round.rollout.failures
      .slice(0, TIMELINE_FAILURES)
      .map((f) => ({ atMs: f.atMs, text: `FAILED ${clientNames[f.client]}: ${f.reason.slice(0, 200)}` })),
  ];
  const more = round.rollout.failures.length - TIMELINE_FAILURES;
  if (more > 0) items.push({ atMs: round.rollout.durationMs, text: `(${more} more failed requests not shown)` });
  if (round.rollout.servedAfterMs !== undefined) items.push({ atMs: round.rollout.servedAfterMs, text: "first answer of the new release" });
  return items.sort((a, b) => a.atMs - b.atMs).map((i) => `      +${seconds(i.atMs).padStart(8)}  ${i.text}`);
}

const loadAverage = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(", ")} on ${availableParallelism()} cores`;

export function header(options: RolloutBenchOptions, instances: string): string {
  const app = options.onSigterm === "ignore" ? "ignores SIGTERM" : "exits at once on SIGTERM";
  const slow = options.slow > 0 ? ` + ${options.slow} slow` : "";
  const watch = options.watch === undefined ? "" : `, BERTH_DEPLOY_WATCH=${options.watch}`;
  return (
    `rollout bench: plain Node http.createServer app that ${app}, ${options.instances} web instance(s), ${options.network} network${watch}\n` +
    `  ${options.clients} keep-alive + ${options.clients} new-connection-per-request clients${slow} through the router, ` +
    `${options.rounds} rollout(s) (config:set), each followed by a quiet period as long\n` +
    `  instances: ${instances}\n` +
    `  ${loadAverage()} at the start\n`
  );
}

/** The whole report: one row per window, the totals, the reference ratios and the verdict. */
export function summary(rounds: readonly Round[]): { text: string; met: boolean } {
  const rollouts = totals(rounds.map((r) => r.rollout));
  const quiet = totals(rounds.map((r) => r.quiet));
  const lines = [
    `  ${"window".padEnd(22)} ${"time".padStart(8)} ${"requests".padStart(10)}   ${"failed".padEnd(16)} ${"rate".padStart(7)}`,
  ];
  for (const [i, r] of rounds.entries()) {
    const served = `v${r.version}: serves after ${seconds(r.rollout.servedAfterMs)}, ${r.outcome} after ${seconds(r.rollout.durationMs)}`;
    lines.push(row(`rollout ${i + 1}`, r.rollout.durationMs, r.rollout.requests, r.rollout.failures.length, served));
    lines.push(row(`quiet ${i + 1}`, r.quiet.durationMs, r.quiet.requests, r.quiet.failures.length));
  }
  lines.push(row("all rollouts", rollouts.durationMs, rollouts.requests, rollouts.failed));
  lines.push(row("all quiet (reference)", quiet.durationMs, quiet.requests, quiet.failed));
  for (const [client, c] of rollouts.byClient) {
    lines.push(`  ${clientNames[client]} clients during rollouts: ${count(c.ok + c.failed)} requests, ${count(c.failed)} failed`);
  }
  const quietRate = rate(quiet.requests, quiet.durationMs);
  const rolloutRate = rate(rollouts.requests, rollouts.durationMs);
  lines.push(
    `  failed ratio during rollouts ${percent(rollouts.failed, rollouts.requests)}, in the quiet reference ${percent(quiet.failed, quiet.requests)}`,
  );
  lines.push(`  request rate during rollouts ${quietRate === 0 ? "n/a" : `${(rolloutRate / quietRate).toFixed(2)}×`} the quiet rate`);
  const served = rounds.map((r) => r.rollout.servedAfterMs);
  const servedMs = served.filter((ms): ms is number => ms !== undefined);
  lines.push(
    `  change → new release serves: median ${seconds(median(servedMs))}, max ${seconds(Math.max(...servedMs))}` +
      `   (${served.map(seconds).join(", ")})`,
  );
  const settled = rounds.map((r) => r.rollout.durationMs);
  lines.push(`  change → release settled:    median ${seconds(median(settled))}, max ${seconds(Math.max(...settled))}`);
  const failures = [...rollouts.failures, ...quiet.failures];
  if (failures.length > 0) lines.push(`  first failures (of ${count(failures.length)}):`, ...failureLines(failures));
  lines.push(`  ${loadAverage()} at the end`);
  const undeployed = rounds.filter((r) => r.outcome !== "deployed" || r.rollout.servedAfterMs === undefined);
  const met = rollouts.failed === 0 && quiet.failed === 0 && undeployed.length === 0;
  const verdict = met
    ? `GOAL MET: 0 of ${count(rollouts.requests)} requests failed during ${rounds.length} rollout(s) (0 of ${count(quiet.requests)} in the quiet reference)`
    : `GOAL NOT MET: ${count(rollouts.failed)} of ${count(rollouts.requests)} requests failed during ${rounds.length} rollout(s), ` +
      `${count(quiet.failed)} of ${count(quiet.requests)} in the quiet reference` +
      (undeployed.length > 0 ? `; ${undeployed.length} release(s) not deployed or never served` : "");
  lines.push(verdict);
  return { text: `${lines.join("\n")}\n`, met };
}
