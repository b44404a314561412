import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LinuxHostActions } from "../../../agents/drivers/real/host-actions.js";
import { KioskHostDriver } from "../../../agents/drivers/real/kiosk-host.js";
import { parseAgentConfig } from "../../../agents/runtime/config.js";

/**
 * The real Linux actions run real programs found on PATH: here `systemctl` and `grim` are shell scripts in a temp
 * folder put first on PATH, which log their arguments one per line (so any shell parsing would show).
 */
describe.skipIf(process.platform === "win32")(
  "Linux host actions with systemctl and a screenshot tool",
  () => {
    let bin: string;
    let log: string;
    const savedPath = process.env.PATH;

    beforeAll(() => {
      bin = mkdtempSync(join(tmpdir(), "hallwatch-fake-bin-"));
      log = join(bin, "calls.log");
      const script = (body: string) =>
        `#!/bin/sh\nprintf '%s\\n' "$(basename "$0")" "$@" "--" >> "${log}"\n${body}\n`;
      const files: Record<string, string> = {
        systemctl: script(
          'case "$3" in broken.service) echo "Unit broken.service not found." >&2; exit 5;; slow.service) sleep 5;; esac',
        ),
        // Writes a tiny JPEG header plus padding to the file named last, as grim would.
        grim: script('for f; do out="$f"; done\nprintf \'\\377\\330\\377\\340fakejpeg\' > "$out"'),
      };
      for (const [name, body] of Object.entries(files)) {
        writeFileSync(join(bin, name), body);
        chmodSync(join(bin, name), 0o755);
      }
      process.env.PATH = `${bin}:${savedPath}`;
    });

    afterAll(() => {
      process.env.PATH = savedPath;
      rmSync(bin, { recursive: true, force: true });
    });

    beforeEach(() => writeFileSync(log, ""));
    const calls = () =>
      readFileSync(log, "utf8")
        .split("--\n")
        .filter((c) => c.length > 0)
        .map((c) => c.trimEnd().split("\n"));

    it("restarts the configured unit with systemctl restart, no shell, no password prompt", async () => {
      const actions = new LinuxHostActions({ appUnit: "kiosk-app.service" });
      await expect(actions.restartApp()).resolves.toBe("restarted kiosk-app.service");
      expect(calls()).toEqual([["systemctl", "--no-ask-password", "restart", "kiosk-app.service"]]);
    });

    it("reboots only when allowReboot is on", async () => {
      await expect(new LinuxHostActions({}).rebootHost()).rejects.toThrow(/^not_enabled/);
      expect(calls()).toEqual([]);
      await new LinuxHostActions({ allowReboot: true }).rebootHost();
      expect(calls()).toEqual([["systemctl", "--no-ask-password", "reboot"]]);
    });

    it("reports systemctl's own error, and kills a command that hangs past its timeout", async () => {
      await expect(new LinuxHostActions({ appUnit: "broken.service" }).restartApp()).rejects.toThrow(
        "failed: systemctl broken.service: Unit broken.service not found.",
      );
      const started = Date.now();
      await expect(
        new LinuxHostActions({ appUnit: "slow.service", timeoutMs: 1000 }).restartApp(),
      ).rejects.toThrow(/timed out after 1000 ms/);
      expect(Date.now() - started).toBeLessThan(4500);
    });

    it("without a unit or a tool the action is unsupported, and nothing runs", async () => {
      const actions = new LinuxHostActions({});
      await expect(actions.restartApp()).rejects.toThrow(/^unsupported/);
      await expect(actions.screenshot()).rejects.toThrow(/^unsupported/);
      expect(calls()).toEqual([]);
    });

    it("takes a screenshot with the configured tool into a temp file and reads it back", async () => {
      const driver = new KioskHostDriver(
        { id: "kiosk-1", kind: "kiosk", model: "K", zone: "z", reportIntervalSec: 10 },
        { appHealthUrl: "http://127.0.0.1:9/health", actions: { screenshotTool: "grim" } },
      );
      const shot = await driver.screenshot();
      expect(shot.mimeType).toBe("image/jpeg");
      expect(shot.data.subarray(4).toString()).toBe("fakejpeg");
      const [call] = calls();
      expect(call?.slice(0, 7)).toEqual(["grim", "-t", "jpeg", "-q", "50", "-s", "0.5"]);
      expect(call?.[7]).toMatch(/hallwatch-shot-.*\/screen\.jpg$/);
    });

    it("the agent config refuses unit names that could pass as options or carry shell syntax", () => {
      const config = (appUnit: string) => ({
        brokerUrl: "mqtt://x:1883",
        hallId: "h",
        agentId: "a",
        password: "p",
        stateDir: "/tmp/x",
        devices: [
          {
            id: "kiosk-1",
            kind: "kiosk",
            model: "K",
            zone: "z",
            reportIntervalSec: 10,
            driver: { type: "kiosk-host", appHealthUrl: "http://127.0.0.1/h", actions: { appUnit } },
          },
        ],
      });
      expect(() => parseAgentConfig(config("kiosk-app.service"))).not.toThrow();
      for (const bad of ["--force", "a;reboot", "a b", "$(id)", ""])
        expect(() => parseAgentConfig(config(bad)), bad).toThrow(/appUnit/);
    });
  },
);
