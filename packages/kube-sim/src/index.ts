export { type KubeConfigOptions, type KubeSim, type KubeSimOptions, startKubeSim } from "./simulator.ts";
export { KubeError, type StatusBody } from "./status.ts";
export type { KubeObject, ObjectMeta } from "./types.ts";
export type * from "./kinds/shapes.ts";
export { hostPortAnnotation } from "./endpoints-controller.ts";
export type { DockerRuntimeOptions } from "./kubelet/docker-runtime.ts";
export type { FakeOutcome, FakeRuntimeOptions } from "./kubelet/fake-runtime.ts";
export { nodeName } from "./kubelet/kubelet.ts";
