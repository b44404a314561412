import type { TvValues } from "../../../src/contract/index.js";
import type { DeviceDriver, DeviceSpec } from "../../runtime/driver.js";
import { probeHttp } from "./http-probe.js";

export interface SignageHostOptions {
  /** Health URL of the content player; a failing probe ages the heartbeat. */
  playerHealthUrl: string;
}

/**
 * A signage box driving a hall TV. Without a CEC link the box can only vouch for what it runs: the screen
 * is "on" with a signal while the box is up, and the player's heartbeat is its health endpoint.
 */
export class SignageHostDriver implements DeviceDriver<"tv"> {
  private lastHealthyMs: number | null = null;

  constructor(
    readonly spec: DeviceSpec<"tv">,
    private readonly options: SignageHostOptions,
  ) {}

  async read(nowMs: number): Promise<TvValues> {
    const probe = await probeHttp(this.options.playerHealthUrl);
    if (probe.ok) this.lastHealthyMs = nowMs;
    const ageSec = this.lastHealthyMs === null ? 86_400 : Math.round((nowMs - this.lastHealthyMs) / 1000);
    return { power: "on", signalOk: true, playerHeartbeatAgeSec: ageSec };
  }
}
