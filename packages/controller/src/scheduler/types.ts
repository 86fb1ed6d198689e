import type { ProcessLimits } from "@berth/api";

/**
 * A replica group is one release × one process type of an app (`myapp-v3-web`). Schedulers manage
 * groups and the instances in them; the rollout algorithm over groups belongs to the deployer.
 */
export interface GroupRef {
  app: string;
  /** The release's version number (3 for v3). */
  release: number;
  type: string;
}

/**
 * How an instance is judged ready, with every default filled in. Times in seconds. `http`: a GET of
 * `path` on `$PORT` answers 2xx/3xx; `tcp`: a connect to `$PORT` succeeds; `running`: the process runs
 * (workers that serve nothing).
 */
export interface ReadinessCheck {
  mode: "http" | "tcp" | "running";
  path: string | undefined;
  initialDelay: number;
  timeout: number;
  period: number;
  failureThreshold: number;
}

/** Everything a scheduler needs to run the instances of a group. */
export interface GroupSpec extends GroupRef {
  image: string;
  /** Shell command line (Procfile entry); the image's own command when undefined. */
  command: string | undefined;
  /**
   * Environment of every instance. The scheduler adds `PORT` (where the instance must listen) unless
   * the environment names one already.
   */
  env: Record<string, string>;
  limits: ProcessLimits | undefined;
  readiness: ReadinessCheck;
}

/** `starting`: created, not running yet; `restarting`: crashed and waiting to be restarted. */
export type InstanceState = "starting" | "running" | "restarting" | "exited";

export interface Instance extends GroupRef {
  /** `<app>-v<N>-<type>-<k>`. */
  name: string;
  /** k in the name, from 1: log lines are tagged `<type>.<k>`. */
  index: number;
  state: InstanceState;
  /** Running and passing its readiness check. */
  ready: boolean;
  /** When the current run started (ISO); null before the first start. */
  started: string | null;
  /** How many times the instance was restarted after exiting. */
  restarts: number;
  /** Exit code of the last run, when it has exited at least once. */
  exitCode: number | null;
  /** `host:port` where the instance serves `$PORT`, for the router; null when not known. */
  address: string | null;
  /**
   * Why the engine cannot run the instance, in its own words (`ImagePullBackOff: …`,
   * `CrashLoopBackOff: …`, `FailedScheduling: …`): the deployer stops waiting and fails the rollout
   * with it. Absent when the engine reports nothing of the kind.
   */
  failure?: string;
}

export interface Group extends GroupRef {
  /** Desired number of instances. */
  replicas: number;
  instances: Instance[];
}

export interface LogLine {
  /** The instance's name. */
  instance: string;
  /** `web.1`. */
  tag: string;
  /** ISO timestamp given by the engine. */
  time: string;
  line: string;
}

export interface LogOptions {
  /** Last lines per instance. */
  tail?: number;
  /** Only these instances (names); all of the app's when absent. */
  instances?: string[];
  /** Only lines at or after this ISO time (engines may return a few already seen in that second). */
  since?: string;
}

/**
 * The small, scheduler-neutral interface over replica groups. Implementations read state from their
 * engine (Docker, Kubernetes), never from memory, so a restarted controller sees what runs.
 */
/** Memory of a process type's running instances, added up: `limitBytes` null when any has no limit. */
export interface MemoryUse {
  usedBytes: number;
  limitBytes: number | null;
  instances: number;
}

export interface Scheduler {
  /** Prepares what an app needs before anything of it runs (on Kubernetes, its namespace). */
  createApp?(app: string): Promise<void>;
  /** Creates the group with 0 instances (idempotent); fails when the image cannot be run. */
  createGroup(spec: GroupSpec): Promise<void>;
  /**
   * Makes the group run `replicas` instances: new ones take the lowest free indexes, the highest go
   * first. Idempotent, and it finishes what it finds half-done (an instance created but not started).
   */
  scaleGroup(spec: GroupSpec, replicas: number): Promise<void>;
  /** Stops and removes these instances of the group, lowering its replica count by as many. */
  removeInstances(group: GroupRef, names: string[]): Promise<void>;
  /** The app's groups with their instances (readiness checked now). */
  listGroups(app: string): Promise<Group[]>;
  /** Stops and removes the group and its instances; nothing happens when it does not exist. */
  deleteGroup(group: GroupRef): Promise<void>;
  /** Recent log lines of the app's instances, oldest first. */
  logs(app: string, options?: LogOptions): Promise<LogLine[]>;
  /**
   * Streams new log lines of the app's running instances (after the last `tail` lines of each) to
   * `onLine` until `signal` aborts, then resolves. Optional: engines without a follow mode omit it.
   */
  followLogs?(app: string, onLine: (line: LogLine) => void, signal: AbortSignal, options?: LogOptions): Promise<void>;
  /**
   * Calls `onChange` whenever something about the app's instances may have changed, until `signal`
   * aborts. Engines with a watch API offer it; readiness waits then look again on each change
   * instead of polling. Optional: without it, waits poll.
   */
  watchChanges?(app: string, onChange: () => void, signal: AbortSignal): void;
  /**
   * Calls `onChange(app)` whenever an instance of any Berth app may have exited or been restarted,
   * until `signal` aborts; `onChange(undefined)` when the watch was down and any app may have
   * changed. The watch reconnects by itself after errors. Optional: without it, crashes are found
   * by a periodic look.
   */
  watchInstances?(onChange: (app: string | undefined) => void, signal: AbortSignal): void;
  /** Removes everything the app runs. */
  destroyApp(app: string): Promise<void>;
  /**
   * Memory of the app's running instances per process type, as the engine measures it now. Absent
   * where the engine cannot say (Kubernetes without a metrics server).
   */
  memory?(app: string): Promise<Map<string, MemoryUse>>;
  /**
   * Engines that balance a process type's ready instances behind one address (a Kubernetes Service)
   * give it here, by type; the router then sends the type's requests there instead of to each instance.
   */
  serviceAddresses?(app: string): Promise<Map<string, string>>;
}
