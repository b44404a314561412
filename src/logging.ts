import { type DestinationStream, type Logger, pino } from "pino";
import pretty from "pino-pretty";

export type { Logger };

export interface LoggerOptions {
  /**
   * Readable lines (pino-pretty) instead of JSON. Default: when stdout is a terminal, so a person at `npm start`
   * reads lines while systemd, Docker and log shippers still get one JSON object per line.
   */
  pretty?: boolean;
}

/** One logger for every part; secrets are redacted wherever they might be attached to a log line. */
export function createLogger(level: string, name = "hallwatch", options: LoggerOptions = {}): Logger {
  const readable = options.pretty ?? process.stdout.isTTY === true;
  const settings = {
    name,
    level,
    redact: {
      paths: ["password", "secret", "*.password", "*.secret", "*.secretHash", "headers.authorization"],
      censor: "[redacted]",
    },
  };
  return readable ? pino(settings, prettyStream()) : pino(settings);
}

/** Synchronous, so log lines and the start banner (console.log) come out in the order they were written. */
function prettyStream(): DestinationStream {
  return pretty({
    sync: true,
    singleLine: true,
    translateTime: "SYS:HH:MM:ss.l",
    ignore: "pid,hostname,name",
  });
}

export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
