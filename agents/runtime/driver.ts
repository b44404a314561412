import type { DeviceKind, ScreenshotResult, TelemetryValuesByKind } from "../../src/contract/index.js";

export interface DeviceSpec<K extends DeviceKind = DeviceKind> {
  id: string;
  kind: K;
  model: string;
  zone: string;
  name?: string;
  reportIntervalSec: number;
}

/** Reads one device. `read` may be slow (a subprocess, an HTTP probe), so it may return a promise. */
export interface DeviceDriver<K extends DeviceKind = DeviceKind> {
  readonly spec: DeviceSpec<K>;
  read(nowMs: number): TelemetryValuesByKind[K] | Promise<TelemetryValuesByKind[K]>;
  /** Make the device noticeable (beep, blink) for a while, if it can. */
  identify?(durationSec: number): void;
  /**
   * Remote actions (docs/protocol.md §4.5). Absent: the agent answers "unsupported". They resolve with a short
   * note for the reply, or throw (an ActionError for a refusal with a code, anything else is "failed").
   */
  restartApp?(): Promise<string | undefined>;
  rebootHost?(): Promise<string | undefined>;
  screenshot?(): Promise<Screenshot>;
  close?(): void | Promise<void>;
}

/** A simulated device: realistic values, and named faults that can be injected and cleared. */
export interface SimulatedDriver<K extends DeviceKind = DeviceKind> extends DeviceDriver<K> {
  readonly faultNames: readonly string[];
  readonly activeFaults: ReadonlySet<string>;
  inject(fault: string): void;
  clear(fault: string): void;
}

export function isSimulated(driver: DeviceDriver): driver is SimulatedDriver {
  return "inject" in driver && "faultNames" in driver;
}

/** A captured screen: the image's bytes (PNG or JPEG). */
export interface Screenshot {
  mimeType: ScreenshotResult["mimeType"];
  data: Buffer;
}

/** A refusal with a protocol error code (COMMAND_ERROR_CODES), e.g. "not_enabled" for a reboot not allowed. */
export class ActionError extends Error {
  constructor(
    readonly code: "unsupported" | "not_enabled" | "screenshot_too_large" | "failed",
    detail?: string,
  ) {
    super(detail ? `${code}: ${detail}` : code);
    this.name = "ActionError";
  }
}
