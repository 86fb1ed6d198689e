export { type DockerOptions, defaultDockerSocket, dockerOptions, parseDockerHost } from "./docker.ts";
export { type ConfigProblem, ConfigError, describeProblem, formatConfigError, readTogether } from "./error.ts";
export type { AccessLogTarget, Kind } from "./kinds.ts";
export { type Check, type Env, optional, readSettings, required, type Setting, type Settings, setting, type Values } from "./setting.ts";
export { buildLimitSettings, builderSettings } from "./settings/builder.ts";
export { cliSettings } from "./settings/cli.ts";
export {
  controllerCoreSettings,
  controllerSettings,
  kubernetesSettings,
  registryLoginCheck,
  rolloutDefaults,
} from "./settings/controller.ts";
export { platformOwnSettings } from "./settings/platform.ts";
export { accessLogSettings, routerSettings, routerTlsCheck } from "./settings/router.ts";
export { chartValuesTable } from "./chart-values.ts";
export { chartValuesFile, renderSettingsBlocks, settingsDocuments, settingsTable, settingsTables, type TableName, tableTitles } from "./tables.ts";
export { readConfigOrExit } from "./startup.ts";
