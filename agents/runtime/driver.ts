import type { DeviceKind, TelemetryValuesByKind } from "../../src/contract/index.js";

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
