import {
  type Command,
  type CommandResult,
  commandExpiryMs,
  SCREENSHOT_MAX_BYTES,
} from "../../src/contract/index.js";
import { ActionError, type DeviceDriver } from "./driver.js";

export type ActionCommand = Extract<Command, { cmd: "restart_app" | "reboot_host" | "screenshot" }>;
export interface ActionOutcome {
  error?: string;
  result?: CommandResult;
}

export const isActionCommand = (c: Command): c is ActionCommand =>
  c.cmd === "restart_app" || c.cmd === "reboot_host" || c.cmd === "screenshot";

/**
 * "expired" when the command is past its expiry on the agent's clock, else null. A rebirth is never refused: it
 * changes nothing on the device, and the aggregator needs it answered even from an agent whose clock is off.
 */
export function expiredError(command: Command, nowMs: number): string | null {
  if (command.cmd === "rebirth") return null;
  return nowMs > commandExpiryMs(command) ? "expired" : null;
}

/** Carries out restart_app, reboot_host or screenshot on a device's driver; never throws. */
export async function runAction(
  driver: DeviceDriver | undefined,
  command: ActionCommand,
): Promise<ActionOutcome> {
  if (!driver) return { error: `unknown_device: ${command.deviceId}` };
  try {
    switch (command.cmd) {
      case "restart_app": {
        if (!driver.restartApp) return { error: "unsupported" };
        return withDetail(await driver.restartApp());
      }
      case "reboot_host": {
        if (!driver.rebootHost) return { error: "unsupported" };
        return withDetail(await driver.rebootHost());
      }
      case "screenshot": {
        if (!driver.screenshot) return { error: "unsupported" };
        const shot = await driver.screenshot();
        if (shot.data.length > SCREENSHOT_MAX_BYTES)
          return { error: `screenshot_too_large: ${shot.data.length} bytes > ${SCREENSHOT_MAX_BYTES}` };
        if (shot.data.length === 0) return { error: "failed: empty screenshot" };
        return {
          result: { screenshot: { mimeType: shot.mimeType, dataBase64: shot.data.toString("base64") } },
        };
      }
    }
  } catch (err) {
    if (err instanceof ActionError) return { error: err.message.slice(0, 512) };
    return { error: `failed: ${(err as Error).message}`.slice(0, 512) };
  }
}

function withDetail(detail: string | undefined): ActionOutcome {
  return detail ? { result: { detail: detail.slice(0, 256) } } : {};
}
