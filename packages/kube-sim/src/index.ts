export { type KubeConfigOptions, type KubeSim, type KubeSimOptions, startKubeSim } from "./simulator.ts";
export { KubeError, type StatusBody } from "./status.ts";
export type { KubeObject, ObjectMeta } from "./types.ts";
export type * from "./kinds/shapes.ts";
