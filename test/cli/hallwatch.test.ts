import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { AuditLog } from "../../src/store/audit.js";
import { openDatabase } from "../../src/store/database.js";
import { HallStore } from "../../src/store/halls.js";
import { MaintenanceStore } from "../../src/store/maintenance.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), "hallwatch-opscli-"));
const cli = (...args: string[]) =>
  run(process.execPath, [
    "--import",
    "tsx",
    "src/cli/hallwatch.ts",
    "--data-dir",
    dataDir,
    "--by",
    "li.gong",
    ...args,
  ]);

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("operations CLI", () => {
  it("plans and removes maintenance windows and sets opening hours, each audited", async () => {
    const db0 = openDatabase(join(dataDir, "hallwatch.db"));
    await HallStore.onSqlite(db0).upsert({ id: "north", name: "North" });
    db0.close();
    const added = await cli(
      "maintenance",
      "add",
      "--hall",
      "north",
      "--kind",
      "kiosk",
      "--daily",
      "02:00",
      "--duration",
      "60",
      "--reason",
      "nightly update",
    );
    const id = /added (\S+)/.exec(added.stdout)?.[1] ?? "";
    await cli(
      "maintenance",
      "add",
      "--hall",
      "north",
      "--device",
      "tv-1",
      "--from",
      "2026-11-24T02:00+08:00",
      "--to",
      "2026-11-24T04:00+08:00",
      "--reason",
      "panel swap",
    );
    const file = join(dataDir, "hours.json");
    writeFileSync(
      file,
      JSON.stringify({ timeZone: "Asia/Shanghai", weekly: { mon: [{ open: "09:00", close: "18:00" }] } }),
    );
    await cli("hours", "set", "--hall", "north", "--file", file);
    await cli("maintenance", "remove", id);
    const db = openDatabase(join(dataDir, "hallwatch.db"));
    expect((await MaintenanceStore.onSqlite(db).list("north")).map((w) => w.reason)).toEqual(["panel swap"]);
    expect((await HallStore.onSqlite(db).openingHours("north"))?.weekly.mon).toEqual([
      { open: "09:00", close: "18:00" },
    ]);
    expect(
      (await new AuditLog(new SqliteEngine(db)).list({ limit: 10 })).map((e) => [e.actor, e.action]),
    ).toEqual([
      ["li.gong", "maintenance_window_removed"],
      ["li.gong", "opening_hours_changed"],
      ["li.gong", "maintenance_window_added"],
      ["li.gong", "maintenance_window_added"],
    ]);
    db.close();
  });

  it("refuses bad input with every problem listed and a non-zero exit", async () => {
    await expect(
      cli(
        "maintenance",
        "add",
        "--hall",
        "north",
        "--kind",
        "toaster",
        "--daily",
        "25:00",
        "--duration",
        "0",
        "--reason",
        "x",
      ),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/scope.kind[\s\S]*recurrence.start[\s\S]*recurrence.durationMin/),
    });
    await expect(
      cli("maintenance", "add", "--hall", "nowhere", "--daily", "02:00", "--duration", "5", "--reason", "x"),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining("no hall nowhere"),
    });
  });
});
