import { bytes, port, seconds, text } from "../kinds.ts";
import { optional, required, setting } from "../setting.ts";
import { controllerUrl, dataDir, dockerEngine, logLevel, registry, stackImage } from "./shared.ts";

/** Push size, build time and git deadlines: read by the stand-alone builder and the platform alike. */
export const buildLimitSettings = {
  maxPushBytes: setting({
    env: "BERTH_MAX_PUSH_BYTES",
    kind: bytes(0, 16 * 1024 ** 3),
    default: 256 * 1024 ** 2,
    meaning: "largest `git push` in bytes (`20971520` is 20 MiB); a larger one is refused at once",
  }),
  buildTimeoutMs: setting({
    env: "BERTH_BUILD_TIMEOUT",
    kind: seconds(0, 24 * 3600),
    default: 900_000,
    meaning: "seconds a build may take before it is cancelled",
  }),
  // Git's keep-alives come every few seconds; a shorter deadline would cut quiet builds.
  gitTimeoutMs: setting({
    env: "BERTH_GIT_TIMEOUT",
    kind: seconds(5, 3600),
    default: 60_000,
    meaning: "seconds a git request may go without moving any data before it is ended (at least 5)",
  }),
};

/** The stand-alone builder (`node packages/builder/src/main.ts`). */
export const builderSettings = {
  host: setting({
    env: "BERTH_BUILDER_HOST",
    kind: text(),
    default: "0.0.0.0",
    meaning: "interface a stand-alone builder (`node packages/builder/src/main.ts`) listens on",
  }),
  port: setting({ env: "BERTH_BUILDER_PORT", kind: port(), default: 8081, meaning: "port a stand-alone builder listens on" }),
  controllerUrl,
  builderKey: required({ env: "BERTH_BUILDER_KEY", kind: text(), meaning: "the controller's builder key (`X-Berth-Builder-Key`)" }),
  dataDir,
  dockerHost: dockerEngine,
  registry,
  stackImage,
  buildNetwork: optional({
    env: "BERTH_BUILD_NETWORK",
    kind: text(),
    shown: "engine default",
    meaning: "network of build steps (`host` for an engine without a bridge)",
  }),
  ...buildLimitSettings,
  logLevel,
};
