export { loadPlatformConfig } from "./config.ts";
export type { PlatformConfig } from "./config.ts";
export { platformDispatch } from "./dispatch.ts";
export { startPlatform } from "./platform.ts";
export type { Platform, PlatformOptions } from "./platform.ts";
