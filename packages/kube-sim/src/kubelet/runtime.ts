import type { Readable } from "node:stream";
import type { EventOptions } from "../events.ts";
import type { ContainerState, Pod, Secret } from "../kinds/shapes.ts";
import type { LogRequest } from "../pod-logs.ts";

/** What the kubelet knows of one container, from which it writes `containerStatuses[]`. */
export interface ContainerRecord {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  state: ContainerState;
  lastState: ContainerState;
  ready: boolean;
  started: boolean;
  restartCount: number;
  /** True once the container will not run again (restartPolicy Never/OnFailure after its last exit). */
  finished: boolean;
}

/** The kubelet's side of one pod, handed to the runtime that runs it. */
export interface PodHost {
  readonly pod: Pod;
  /** The pod's address as reported in `status.podIP`. */
  readonly podIP: string;
  update(record: ContainerRecord): void;
  event(options: EventOptions): void;
  secret(name: string): Secret | undefined;
  /** A kubelet duration (probe period, back-off) in real milliseconds, after the time scale. */
  scaled(seconds: number): number;
}

export interface PodRunner {
  /** Stops every container, giving each `graceSeconds` after SIGTERM, and releases what it holds. */
  stop(graceSeconds: number): Promise<void>;
  logs(request: LogRequest): Promise<Readable>;
}

export interface Runtime {
  /** The address a pod gets, decided before it runs (it goes into Endpoints). */
  assignAddress(pod: Pod): Promise<{ podIP: string; hostPort?: number }>;
  run(host: PodHost): PodRunner;
  close(): Promise<void>;
}

export function waitingRecord(name: string, image: string, reason: string, message?: string): ContainerRecord {
  return {
    name,
    image,
    imageID: "",
    state: { waiting: message ? { reason, message } : { reason } },
    lastState: {},
    ready: false,
    started: false,
    restartCount: 0,
    finished: false,
  };
}
