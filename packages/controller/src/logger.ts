export { createJsonLogger, type Logger, type LogFields, type LogLevel, redact, silentLogger } from "@berth/log";
