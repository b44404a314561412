import { type Logger, pino } from "pino";

export type { Logger };

/** One logger for every part; secrets are redacted wherever they might be attached to a log line. */
export function createLogger(level: string, name = "hallwatch"): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ["password", "secret", "*.password", "*.secret", "*.secretHash", "headers.authorization"],
      censor: "[redacted]",
    },
  });
}

export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
