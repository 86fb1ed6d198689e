import type { Probe } from "../kinds/shapes.ts";
import { type ExecProbe, runProbe } from "./probe.ts";

export interface ProberOptions {
  kind: "Readiness" | "Liveness";
  probe: Probe;
  port: number;
  exec: ExecProbe;
  /** Seconds of kubelet time in real milliseconds. */
  scaled: (seconds: number) => number;
  /** A failed attempt, with the probe's output (the kubelet's `Unhealthy` event). */
  onFailure: (message: string) => void;
  /** The outcome changed: ready/alive after successThreshold, not after failureThreshold. */
  onChange: (healthy: boolean) => void;
}

/**
 * One probe worker (pkg/kubelet/prober/worker.go): waits initialDelaySeconds, then probes every
 * periodSeconds and turns consecutive results into a state by the success and failure thresholds.
 */
export class Prober {
  readonly #options: ProberOptions;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #healthy: boolean | undefined;
  #successes = 0;
  #failures = 0;

  constructor(options: ProberOptions) {
    this.#options = options;
  }

  start(): void {
    this.#schedule(this.#options.scaled(this.#options.probe.initialDelaySeconds ?? 0));
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => this.#tick(), Math.max(ms, 20));
  }

  async #tick(): Promise<void> {
    const { probe, port, exec, kind } = this.#options;
    const result = await runProbe(probe, port, exec);
    if (this.#stopped) return;
    if (result.ok) {
      this.#failures = 0;
      this.#successes++;
      if (this.#healthy !== true && this.#successes >= (probe.successThreshold ?? 1)) this.#set(true);
    } else {
      this.#successes = 0;
      this.#failures++;
      this.#options.onFailure(`${kind} probe failed: ${result.message}`);
      if (this.#healthy !== false && this.#failures >= (probe.failureThreshold ?? 3)) this.#set(false);
    }
    this.#schedule(this.#options.scaled(probe.periodSeconds ?? 10));
  }

  #set(healthy: boolean): void {
    this.#healthy = healthy;
    this.#options.onChange(healthy);
  }
}
