import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DurableIngest } from "../../src/aggregator/durable-ingest.js";
import { IngestLog } from "../../src/aggregator/ingest-log.js";
import { silentLogger } from "../../src/logging.js";
import { CounterStore } from "../../src/store/counters.js";
import { openDatabase } from "../../src/store/database.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";

describe("the aggregator's ingest log", () => {
  const dirs: string[] = [];
  const newDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "hallwatch-ingest-log-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("gives back every message of an earlier run, byte for byte, and skips and counts a line cut short", () => {
    const dir = newDir();
    const first = new IngestLog({ dir });
    first.open();
    const binary = Buffer.from([0, 1, 2, 255, 10, 13]);
    first.append({ topic: "a/b", payload: Buffer.from('{"x":"é\\n"}'), receivedMs: 1, retain: false });
    first.append({ topic: "a/c", payload: binary, receivedMs: 2, retain: true });
    first.commit();
    // A process killed in the middle of a write leaves a torn last line.
    const [segment] = readdirSync(dir);
    appendFileSync(join(dir, segment!), '{"t":"a/d","p":"AAA');
    const next = new IngestLog({ dir });
    next.open();
    next.append({ topic: "a/e", payload: Buffer.from("e"), receivedMs: 3, retain: false });
    expect([...new IngestLog({ dir }).entries()].map((e) => e.topic)).toEqual(["a/b", "a/c"]); // a/e: not yet
    next.commit();
    const entries = [...next.entries()];
    expect(entries.map((e) => e.topic)).toEqual(["a/b", "a/c", "a/e"]);
    expect(entries[0]!.payload.toString()).toBe('{"x":"é\\n"}');
    expect(entries[1]!.payload.equals(binary)).toBe(true);
    expect(entries[1]!.retain).toBe(true);
    expect(next.unreadableLines).toBe(1);
  });

  it("replays a segment of JSON lines left by an earlier release, before the binary ones, and deletes it at a checkpoint", () => {
    const dir = newDir();
    const payload = Buffer.from([0, 255, 10]);
    writeFileSync(
      join(dir, "0000000007.log"),
      `{"t":"old/a","p":"${payload.toString("base64")}","r":5,"k":1}\n{"t":"old/b","p":"eA==","r":6,"k":0}\n{"t":"old/c","p":"A`,
    );
    const log = new IngestLog({ dir });
    log.open();
    log.append({ topic: "new/a", payload: Buffer.from("n"), receivedMs: 7, retain: false });
    log.commit();
    expect(readdirSync(dir).sort()).toEqual(["0000000007.log", "0000000008.hwl"]);
    const entries = [...log.entries()];
    expect(entries.map((e) => [e.topic, e.receivedMs, e.retain])).toEqual([
      ["old/a", 5, true],
      ["old/b", 6, false],
      ["new/a", 7, false],
    ]);
    expect(entries[0]!.payload.equals(payload)).toBe(true);
    expect(log.unreadableLines).toBe(1); // old/c, cut short
    log.removeThrough(log.rotate());
    expect(readdirSync(dir)).toEqual(["0000000009.hwl"]);
  });

  it("keeps a burst larger than its buffer whole, and a topic and payload in any bytes", () => {
    const dir = newDir();
    const log = new IngestLog({ dir });
    log.open();
    const big = Buffer.alloc(700_000, 7);
    for (let i = 0; i < 5; i += 1)
      log.append({
        topic: `营业厅/${i}`,
        payload: i === 2 ? big : Buffer.from(`p${i}`),
        receivedMs: 1e12 + i + 0.5,
        retain: i === 4,
      });
    log.commit();
    const entries = [...new IngestLog({ dir }).entries()];
    expect(entries.map((e) => e.topic)).toEqual(["营业厅/0", "营业厅/1", "营业厅/2", "营业厅/3", "营业厅/4"]);
    expect(entries[2]!.payload.equals(big)).toBe(true);
    expect(entries[3]!.payload.toString()).toBe("p3");
    expect(entries[4]!.receivedMs).toBe(1e12 + 4.5);
    expect(entries[4]!.retain).toBe(true);
  });

  it("a checkpoint deletes what was rotated and keeps what came after", () => {
    const dir = newDir();
    const log = new IngestLog({ dir });
    log.open();
    log.append({ topic: "old", payload: Buffer.from("1"), receivedMs: 1, retain: false });
    expect(() => log.rotate()).toThrow(/not yet written/);
    log.commit();
    const through = log.rotate();
    log.append({ topic: "new", payload: Buffer.from("2"), receivedMs: 2, retain: false });
    log.commit();
    log.removeThrough(through);
    expect([...log.entries()].map((e) => e.topic)).toEqual(["new"]);
  });
});

describe("the ingest log where it cannot be written", () => {
  it("lets the aggregator run, and counts what it acknowledged without the log (kept in SQLite)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hallwatch-ingest-blocked-"));
    const blocker = join(dir, "file");
    writeFileSync(blocker, "");
    const db = openDatabase(join(dir, "hallwatch.db"));
    const make = () =>
      new DurableIngest({
        dir: join(blocker, "ingest-log"), // below a file: mkdir fails, as on a full or read-only disk
        logger: silentLogger(),
        counters: new CounterStore(new SqliteEngine(db)),
        flushState: async () => undefined,
      });
    const ingest = make();
    await ingest.open();
    ingest.record({ topic: "t", payload: Buffer.from("x"), receivedMs: 1, retain: false });
    ingest.record({ topic: "t", payload: Buffer.from("y"), receivedMs: 2, retain: false });
    expect(ingest.replay(() => undefined)).toBe(0);
    expect(ingest.stats().messagesUnlogged).toBe(2);
    await ingest.stop();
    const next = make();
    await next.open();
    expect(next.stats().messagesUnlogged).toBe(2);
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
