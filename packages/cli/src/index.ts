export { main } from "./bin.ts";
export type { Command, Input, OptionSpec, OptionSpecs } from "./command.ts";
export { defineCommand } from "./command.ts";
export type { CliDeps, InputStream } from "./deps.ts";
export type { OutputStream } from "./output.ts";
