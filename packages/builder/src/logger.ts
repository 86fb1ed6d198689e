export { createJsonLogger, type Logger, type LogFields, silentLogger } from "@berth/log";
