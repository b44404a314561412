import type { Screenshot } from "../../runtime/driver.js";
import { encodePng } from "./png.js";

/** How long a simulated app restart keeps the app down, and a simulated reboot the whole host. */
export const SIM_RESTART_MS = 3_000;
export const SIM_REBOOT_MS = 15_000;

/**
 * Remote actions of a simulated kiosk, queue machine or signage box: a restart takes the app down briefly
 * (its telemetry says so), a reboot silences the device for a while, and a screenshot is a small generated PNG.
 */
export class SimRemoteActions {
  appDownUntilMs = 0;
  hostDownUntilMs = 0;
  restarts = 0;

  constructor(
    private readonly deviceId: string,
    private readonly now: () => number = Date.now,
  ) {}

  appRestarting(): boolean {
    return this.now() < this.appDownUntilMs;
  }

  /** Throws while the simulated host reboots, so the agent reports nothing for the device. */
  assertHostUp(): void {
    if (this.now() < this.hostDownUntilMs) throw new Error("host rebooting");
  }

  async restartApp(): Promise<string> {
    this.restarts += 1;
    this.appDownUntilMs = this.now() + SIM_RESTART_MS;
    return `simulated app of ${this.deviceId} restarted`;
  }

  async rebootHost(): Promise<string> {
    this.hostDownUntilMs = this.now() + SIM_REBOOT_MS;
    this.appDownUntilMs = this.hostDownUntilMs + SIM_RESTART_MS;
    return `simulated host of ${this.deviceId} rebooting`;
  }

  async screenshot(): Promise<Screenshot> {
    const hue = [...this.deviceId].reduce((sum, c) => sum + c.charCodeAt(0), 0) % 3;
    const data = encodePng(160, 90, (x, y) => {
      if (y < 14) return [24, 64, 120]; // title bar
      if (this.appRestarting()) return [40, 40, 40];
      const band = Math.floor(x / 40) % 2 === 0 ? 230 : 205;
      const accent = y > 70 && x > 20 && x < 140 ? 60 : band;
      return hue === 0 ? [band, accent, accent] : hue === 1 ? [accent, band, accent] : [accent, accent, band];
    });
    return { mimeType: "image/png", data };
  }
}
