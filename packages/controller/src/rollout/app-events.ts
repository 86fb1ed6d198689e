/** Something that happened to an app, for its log stream (`berth[deploy]: v3 deployed`). */
export interface AppEvent {
  app: string;
  kind: "deploy" | "crash" | "scale" | "restart" | "release" | "build" | "alert";
  message: string;
  /** `v3`, when the event concerns one release. */
  release?: string;
  /** The process type it is about (a crash's instance), when one. */
  process?: string;
  time: string;
}

export type EventSink = (event: AppEvent) => void;

/** Builds an event stamped now. */
export function appEvent(app: string, kind: AppEvent["kind"], message: string, release?: number, process?: string): AppEvent {
  return {
    app,
    kind,
    message,
    ...(release === undefined ? {} : { release: `v${release}` }),
    ...(process === undefined ? {} : { process }),
    time: new Date().toISOString(),
  };
}
