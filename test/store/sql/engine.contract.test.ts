import { expect, it } from "vitest";
import { numberPlaceholders } from "../../../src/store/sql/engine.js";
import { describeEachEngine } from "../../helpers/engines.js";

it("numbers ? placeholders for PostgreSQL, leaving quoted text and comments alone", () => {
  expect(numberPlaceholders("SELECT ? , '?''?', \"a?\" -- why?\n , ?")).toBe(
    "SELECT $1 , '?''?', \"a?\" -- why?\n , $2",
  );
});

describeEachEngine("the SQL port", (fresh) => {
  it("reads and writes with ? placeholders; integers come back as numbers, blobs as Buffers", async () => {
    const sql = await fresh();
    await sql.run("INSERT INTO halls (id, name, time_zone, created_ms) VALUES (?, ?, ?, ?)", [
      "h1",
      "西城 ? 营业厅",
      "Asia/Shanghai",
      1_764_547_200_123,
    ]);
    const hall = await sql.get<{ name: string; created_ms: number }>(
      "SELECT name, created_ms FROM halls WHERE id = ?",
      ["h1"],
    );
    expect(hall).toEqual({ name: "西城 ? 营业厅", created_ms: 1_764_547_200_123 });
    expect(await sql.get("SELECT name FROM halls WHERE id = ?", ["nope"])).toBeUndefined();
    const count = await sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM halls");
    expect(count?.n).toBe(1);
    await sql.run("INSERT INTO report_files (id, content, created_ms) VALUES (?, ?, ?)", [
      "f1",
      Buffer.from([0, 1, 2, 255]),
      1,
    ]);
    const file = await sql.get<{ content: Buffer }>("SELECT content FROM report_files WHERE id = ?", ["f1"]);
    expect(Buffer.isBuffer(file?.content)).toBe(true);
    expect([...(file?.content ?? [])]).toEqual([0, 1, 2, 255]);
  });

  it("reports changed rows, upserts and returns generated ids", async () => {
    const sql = await fresh();
    const upsert =
      "INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = counters.value + excluded.value";
    expect((await sql.run(upsert, ["lost", 2])).changes).toBe(1);
    await sql.run(upsert, ["lost", 3]);
    expect(await sql.get("SELECT value FROM counters WHERE name = ?", ["lost"])).toEqual({ value: 5 });
    const first = await sql.get<{ id: number }>(
      "INSERT INTO audit_log (at_ms, actor, action) VALUES (?, ?, ?) RETURNING id",
      [1, "admin", "a"],
    );
    const second = await sql.get<{ id: number }>(
      "INSERT INTO audit_log (at_ms, actor, action) VALUES (?, ?, ?) RETURNING id",
      [2, "admin", "b"],
    );
    expect(typeof first?.id).toBe("number");
    expect((second?.id ?? 0) > (first?.id ?? 0)).toBe(true);
    expect((await sql.run("DELETE FROM audit_log WHERE at_ms < ?", [10])).changes).toBe(2);
  });

  it("commits a transaction that resolves and rolls back one that throws", async () => {
    const sql = await fresh();
    await sql.transaction(async (tx) => {
      await tx.run("INSERT INTO counters (name, value) VALUES (?, ?)", ["a", 1]);
      await tx.run("INSERT INTO counters (name, value) VALUES (?, ?)", ["b", 2]);
    });
    await expect(
      sql.transaction(async (tx) => {
        await tx.run("INSERT INTO counters (name, value) VALUES (?, ?)", ["c", 3]);
        await tx.run("INSERT INTO counters (name, value) VALUES (?, ?)", ["a", 9]); // duplicate key
      }),
    ).rejects.toThrow();
    const names = await sql.all<{ name: string }>("SELECT name FROM counters ORDER BY name");
    expect(names.map((r) => r.name)).toEqual(["a", "b"]);
  });

  it("keeps a statement from outside out of an open transaction that later rolls back", async () => {
    const sql = await fresh();
    let inside: () => void = () => {};
    const insideReached = new Promise<void>((resolve) => {
      inside = resolve;
    });
    const failing = sql.transaction(async (tx) => {
      await tx.run("INSERT INTO counters (name, value) VALUES (?, ?)", ["tx", 1]);
      inside();
      await new Promise((resolve) => setTimeout(resolve, 50));
      throw new Error("give up");
    });
    await insideReached;
    const outside = sql.run("INSERT INTO counters (name, value) VALUES (?, ?)", ["outside", 1]);
    await expect(failing).rejects.toThrow("give up");
    await outside;
    const names = await sql.all<{ name: string }>("SELECT name FROM counters ORDER BY name");
    expect(names.map((r) => r.name)).toEqual(["outside"]);
  });

  it("refuses to change an inspection record or delete a recent one (append-only on both engines)", async () => {
    const sql = await fresh();
    await sql.run("INSERT INTO halls (id, name, created_ms) VALUES (?, ?, ?)", ["h1", "h", 1]);
    await sql.run(
      `INSERT INTO inspection_records (id, hall_id, asset_id, period_key, inspected_ms, recorded_ms, inspector,
         passed, results_json, sensor_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ["r1", "h1", "ext-1", "2026-W49", Date.now(), Date.now(), "sec", 1, "{}", "{}"],
    );
    await expect(sql.run("UPDATE inspection_records SET note = ? WHERE id = ?", ["x", "r1"])).rejects.toThrow(
      /append-only/,
    );
    await expect(sql.run("DELETE FROM inspection_records WHERE id = ?", ["r1"])).rejects.toThrow(/12 months/);
  });
});

it("two engines on one SQLite connection share its transaction lock: neither writes into the other's transaction", async () => {
  const { openDatabase } = await import("../../../src/store/database.js");
  const { SqliteEngine } = await import("../../../src/store/sql/sqlite-engine.js");
  const db = openDatabase(":memory:");
  const a = new SqliteEngine(db);
  const b = new SqliteEngine(db);
  const failing = a.transaction(async (tx) => {
    await tx.run("INSERT INTO counters (name, value) VALUES (?, ?)", ["a", 1]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    throw new Error("give up");
  });
  await new Promise((resolve) => setTimeout(resolve, 5));
  const other = b.transaction(async (tx) => {
    await tx.run("INSERT INTO counters (name, value) VALUES (?, ?)", ["b", 1]);
  });
  await expect(failing).rejects.toThrow("give up");
  await other;
  expect((await b.all<{ name: string }>("SELECT name FROM counters")).map((r) => r.name)).toEqual(["b"]);
  db.close();
});
