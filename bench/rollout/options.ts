import { parseArgs } from "node:util";
import type { BenchNetwork } from "../shared/platform.ts";

export interface RolloutBenchOptions {
  /** Rollouts (config changes), each followed by a quiet period as long as it took. */
  rounds: number;
  /** Clients of each kind: on keep-alive connections, and with a new connection per request. */
  clients: number;
  /** Clients asking for `/slow` (the head at once, the body half a second later). */
  slow: number;
  /** Web instances of the app during the rollouts. */
  instances: number;
  network: BenchNetwork;
  /** What the app does on SIGTERM: `ignore` (a plain `http.createServer` app) or `exit` at once. */
  onSigterm: "ignore" | "exit";
  /** The app's `BERTH_DEPLOY_WATCH` in seconds; the platform's default when absent. */
  watch: number | undefined;
}

export const usage = `usage: scripts/with-services node bench/rollout/run.ts [--rounds K] [--clients N] [--slow N]
         [--instances I] [--network bridge|host] [--on-sigterm ignore|exit] [--watch S]

  --rounds K        rollouts (config:set), each followed by a quiet period as long   (default 3)
  --clients N       clients of each kind: keep-alive, and new connection per request  (default 8)
  --slow N          clients asking for /slow (body half a second after the head)     (default 0)
  --instances I     web instances of the app                                          (default 2)
  --network MODE    bridge: instances at their address on the engine's bridge;
                    host: on free host ports                                          (default bridge)
  --on-sigterm WHAT ignore: the app runs on until killed; exit: it exits at once      (default ignore)
  --watch S         the app's BERTH_DEPLOY_WATCH (0: old instances stop mid-rollout)  (default: the platform's, 10)
`;

/** Thrown for bad command-line input; its message says what to do. */
export class UsageError extends Error {}

function whole(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got "${value}")`);
  }
  return n;
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T {
  if (value === undefined) return allowed[0] as T;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(", ")} (got "${value}")`);
  }
  return value as T;
}

/** The bench's options from its arguments; `undefined` when help was asked for. */
export function parseOptions(args: string[]): RolloutBenchOptions | undefined {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        rounds: { type: "string" },
        clients: { type: "string" },
        slow: { type: "string" },
        instances: { type: "string" },
        network: { type: "string" },
        "on-sigterm": { type: "string" },
        watch: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help === true) return undefined;
  const text = (name: string) => {
    const v = values[name];
    return typeof v === "string" ? v : undefined;
  };
  return {
    rounds: whole("rounds", text("rounds"), 3, 1, 50),
    clients: whole("clients", text("clients"), 8, 1, 256),
    slow: whole("slow", text("slow"), 0, 0, 256),
    instances: whole("instances", text("instances"), 2, 1, 8),
    network: oneOf("network", text("network"), ["bridge", "host"] as const),
    onSigterm: oneOf("on-sigterm", text("on-sigterm"), ["ignore", "exit"] as const),
    watch: text("watch") === undefined ? undefined : whole("watch", text("watch"), 0, 0, 3600),
  };
}
