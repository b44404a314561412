import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { ActionError, type Screenshot } from "../../runtime/driver.js";

/** A systemd unit name: letters, digits and `:_.@-`, never starting with `-` (it could pass as an option). */
export const unitNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9:_.@-]{0,127}$/, "a systemd unit name such as kiosk-app.service");

export const SCREENSHOT_TOOLS = ["grim", "scrot", "import", "gnome-screenshot"] as const;
export type ScreenshotTool = (typeof SCREENSHOT_TOOLS)[number];

/** The `actions` block of a real driver's config (agents/runtime/config.ts). */
export const hostActionsSchema = z.strictObject({
  /** The application's unit, restarted by restart_app; without it restart_app is "unsupported". */
  appUnit: unitNameSchema.optional(),
  /** reboot_host is refused ("not_enabled") unless this is true. */
  allowReboot: z.boolean().default(false),
  /** How screenshots are taken; without it screenshot is "unsupported". */
  screenshotTool: z.enum(SCREENSHOT_TOOLS).optional(),
  /** Each command is killed after this long. */
  timeoutMs: z.number().int().min(1000).max(120_000).default(20_000),
});
export type HostActionsOptions = z.input<typeof hostActionsSchema>;

/**
 * Arguments per tool: each writes one file, scaled down or compressed where the tool can, so that the image fits
 * a reply (SCREENSHOT_MAX_BYTES).
 */
const TOOL_ARGS: Record<ScreenshotTool, { ext: "jpg" | "png"; args: (file: string) => string[] }> = {
  grim: { ext: "jpg", args: (f) => ["-t", "jpeg", "-q", "50", "-s", "0.5", f] },
  scrot: { ext: "jpg", args: (f) => ["-q", "40", f] },
  import: { ext: "jpg", args: (f) => ["-window", "root", "-resize", "800x800>", "-quality", "50", f] },
  "gnome-screenshot": { ext: "png", args: (f) => ["-f", f] },
};

/**
 * Restart, reboot and screenshot on a Linux host, with systemd and a screenshot tool. Every program is run with
 * execFile (no shell: arguments are never parsed), found on PATH, and killed after `timeoutMs`.
 */
export class LinuxHostActions {
  private readonly options: z.output<typeof hostActionsSchema>;

  constructor(options: HostActionsOptions = {}) {
    this.options = hostActionsSchema.parse(options);
  }

  async restartApp(): Promise<string> {
    const unit = this.options.appUnit;
    if (!unit) throw new ActionError("unsupported", "no appUnit in the agent's config");
    await this.run("systemctl", ["--no-ask-password", "restart", unit]);
    return `restarted ${unit}`;
  }

  async rebootHost(): Promise<string> {
    if (!this.options.allowReboot)
      throw new ActionError("not_enabled", "allowReboot is off in the agent's config");
    await this.run("systemctl", ["--no-ask-password", "reboot"]);
    return "reboot started";
  }

  async screenshot(): Promise<Screenshot> {
    const tool = this.options.screenshotTool;
    if (!tool) throw new ActionError("unsupported", "no screenshotTool in the agent's config");
    const dir = await mkdtemp(join(tmpdir(), "hallwatch-shot-"));
    try {
      const { ext, args } = TOOL_ARGS[tool];
      const file = join(dir, `screen.${ext}`);
      await this.run(tool, args(file));
      const data = await readFile(file).catch(() => {
        throw new ActionError("failed", `${tool} wrote no image`);
      });
      return { mimeType: imageType(data), data };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private run(program: string, args: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      execFile(
        program,
        args,
        { timeout: this.options.timeoutMs, killSignal: "SIGKILL", windowsHide: true },
        (err, _stdout, stderr) => {
          if (!err) return resolve();
          const timedOut = (err as { killed?: boolean }).killed === true;
          const why = timedOut
            ? `timed out after ${this.options.timeoutMs} ms`
            : String(stderr).trim().split("\n").pop() || err.message;
          reject(
            new ActionError("failed", `${program} ${args[args.length - 1] ?? ""}: ${why}`.slice(0, 400)),
          );
        },
      );
    });
  }
}

/** PNG or JPEG by its first bytes (a tool may ignore the extension). */
function imageType(data: Buffer): Screenshot["mimeType"] {
  if (data[0] === 0x89 && data[1] === 0x50) return "image/png";
  if (data[0] === 0xff && data[1] === 0xd8) return "image/jpeg";
  throw new ActionError("failed", "the screenshot is neither PNG nor JPEG");
}
