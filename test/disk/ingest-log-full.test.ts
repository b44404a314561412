// The ingest log writes what one read brought in one write(2). When the disk fills, the batch it refuses is
// counted (acknowledged without the log: a crash would lose it) and said once in the log; a batch cut short leaves
// a torn line, so the next write starts a new segment and what comes after stays readable.
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { DurableIngest } from "../../src/aggregator/durable-ingest.js";
import { CounterStore } from "../../src/store/counters.js";
import { openDatabase } from "../../src/store/database.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";
import { mountSmallDisk } from "./tmpfs.js";

const disk = mountSmallDisk(1);

describe.runIf(disk !== null)("the ingest log on a full disk", () => {
  afterAll(() => disk?.unmount());

  it("counts the refused batch, says it once, and after space returns logs again in a fresh segment", async () => {
    const db = openDatabase(":memory:");
    const lines: { level: number; msg: string }[] = [];
    const logger = pino(
      { level: "info" },
      new Writable({
        write(chunk, _enc, done) {
          lines.push(JSON.parse(String(chunk)));
          done();
        },
      }),
    );
    const open = () =>
      new DurableIngest({
        dir: join(disk!.dir, "ingest-log"),
        logger,
        counters: new CounterStore(new SqliteEngine(db)),
        flushState: async () => undefined,
      });
    const ingest = open();
    await ingest.open();
    // Each payload is 300 bytes: a batch of ten cannot fit in what fill() leaves (< 512 bytes).
    const record = (batch: string, n: number) => {
      for (let i = 0; i < n; i++)
        ingest.record({
          topic: `t/${batch}/${i}`,
          payload: Buffer.alloc(300, 7),
          receivedMs: i,
          retain: false,
        });
      ingest.commit();
    };
    record("before", 5);
    disk!.fill();
    record("refused", 10);
    record("refused-too", 3);
    // Those the disk took whole before it filled are in the log; the rest are counted.
    const unlogged = ingest.stats().messagesUnlogged;
    expect(unlogged).toBeGreaterThan(3); // the disk took a few whole lines into the last page of the segment
    const errors = lines.filter((l) => l.level >= 50).map((l) => l.msg);
    expect(errors).toEqual([
      "cannot write the ingest log: messages are acknowledged without it and a crash loses them",
    ]);

    disk!.free();
    record("after", 4);
    expect(ingest.stats().messagesUnlogged).toBe(unlogged);
    expect(lines.at(-1)?.msg).toBe("the ingest log takes writes again");
    await ingest.stop();

    const next = open();
    await next.open();
    const replayed: string[] = [];
    next.replay((m) => replayed.push(m.topic));
    const count = (batch: string) => replayed.filter((t) => t.startsWith(`t/${batch}/`)).length;
    expect([count("before"), count("refused") + unlogged, count("refused-too"), count("after")]).toEqual([
      5, 13, 0, 4,
    ]);
    expect(next.stats().logLinesUnreadable).toBeLessThanOrEqual(1); // the torn end of the refused batch
    expect(next.stats().messagesUnlogged).toBe(unlogged);
    await next.stop();
    db.close();
  });
});
