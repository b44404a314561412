import type { TvValues } from "../../../src/contract/index.js";
import type { DeviceDriver, DeviceSpec, Screenshot } from "../../runtime/driver.js";
import { type HostActionsOptions, LinuxHostActions } from "./host-actions.js";

import { probeHttp } from "./http-probe.js";

export interface SignageHostOptions {
  /** Health URL of the content player; a failing probe ages the heartbeat. */
  playerHealthUrl: string;
  /** Remote actions: the player's systemd unit, reboot opt-in, screenshot tool. */
  actions?: HostActionsOptions;
}

/**
 * A signage box driving a hall TV. Without a CEC link the box can only vouch for what it runs: the screen
 * is "on" with a signal while the box is up, and the player's heartbeat is its health endpoint.
 */
export class SignageHostDriver implements DeviceDriver<"tv"> {
  private lastHealthyMs: number | null = null;
  private readonly actions: LinuxHostActions;

  constructor(
    readonly spec: DeviceSpec<"tv">,
    private readonly options: SignageHostOptions,
  ) {
    this.actions = new LinuxHostActions(options.actions);
  }

  restartApp(): Promise<string> {
    return this.actions.restartApp();
  }

  rebootHost(): Promise<string> {
    return this.actions.rebootHost();
  }

  screenshot(): Promise<Screenshot> {
    return this.actions.screenshot();
  }

  async read(nowMs: number): Promise<TvValues> {
    const probe = await probeHttp(this.options.playerHealthUrl);
    if (probe.ok) this.lastHealthyMs = nowMs;
    const ageSec = this.lastHealthyMs === null ? 86_400 : Math.round((nowMs - this.lastHealthyMs) / 1000);
    return { power: "on", signalOk: true, playerHeartbeatAgeSec: ageSec };
  }
}
