import type { TvValues } from "../../../src/contract/index.js";
import type { DeviceSpec, Screenshot } from "../../runtime/driver.js";
import { SimDriver } from "./base.js";
import { round } from "./random.js";
import { SimRemoteActions } from "./remote-actions.js";

export const TV_FAULTS = ["off", "standby", "no_signal", "player_stalled"] as const;

export class SimTv extends SimDriver<"tv"> {
  readonly faultNames = TV_FAULTS;
  private stalledSinceMs: number | null = null;
  private readonly actions: SimRemoteActions;

  constructor(spec: DeviceSpec<"tv">, seed: number) {
    super(spec, seed);
    this.actions = new SimRemoteActions(spec.id);
  }

  /** What the signage screen shows (no restart or reboot: the player box is not the agent's host). */
  screenshot(): Promise<Screenshot> {
    return this.actions.screenshot();
  }

  read(nowMs: number): TvValues {
    const power = this.has("off") ? "off" : this.has("standby") ? "standby" : "on";
    if (this.has("player_stalled")) this.stalledSinceMs ??= nowMs;
    else this.stalledSinceMs = null;
    const heartbeatAgeSec =
      this.stalledSinceMs === null
        ? round(this.random() * 5)
        : round(180 + (nowMs - this.stalledSinceMs) / 1000);
    return {
      power,
      signalOk: power === "on" && !this.has("no_signal"),
      input: "hdmi1",
      playerHeartbeatAgeSec: heartbeatAgeSec,
    };
  }
}
