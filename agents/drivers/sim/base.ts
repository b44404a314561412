import type { DeviceKind, TelemetryValuesByKind } from "../../../src/contract/index.js";
import type { DeviceSpec, SimulatedDriver } from "../../runtime/driver.js";
import { deviceSeed, seededRandom } from "./random.js";

/** Shared fault bookkeeping for simulated devices; each kind supplies its fault names and its values. */
export abstract class SimDriver<K extends DeviceKind> implements SimulatedDriver<K> {
  readonly activeFaults = new Set<string>();
  protected readonly random: () => number;
  identifiedUntilMs = 0;

  constructor(
    readonly spec: DeviceSpec<K>,
    seed: number,
  ) {
    this.random = seededRandom(deviceSeed(seed, spec.id));
  }

  abstract readonly faultNames: readonly string[];
  abstract read(nowMs: number): TelemetryValuesByKind[K];

  inject(fault: string): void {
    this.assertKnown(fault);
    this.activeFaults.add(fault);
    this.onFaultChange(fault, true);
  }

  clear(fault: string): void {
    this.assertKnown(fault);
    this.activeFaults.delete(fault);
    this.onFaultChange(fault, false);
  }

  identify(durationSec: number): void {
    this.identifiedUntilMs = Date.now() + durationSec * 1000;
  }

  protected has(fault: string): boolean {
    return this.activeFaults.has(fault);
  }

  /** Lets a kind reset state (e.g. refill paper) when a fault is cleared. */
  protected onFaultChange(_fault: string, _active: boolean): void {}

  private assertKnown(fault: string): void {
    if (!this.faultNames.includes(fault)) {
      throw new Error(`unknown fault "${fault}" for ${this.spec.kind}; known: ${this.faultNames.join(", ")}`);
    }
  }
}
