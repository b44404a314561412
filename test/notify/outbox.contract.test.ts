import { expect, it } from "vitest";
import type { NotificationMessage } from "../../src/notify/message.js";
import { Outbox, type OutboxItem } from "../../src/notify/outbox.js";
import type { SqlEngine } from "../../src/store/sql/engine.js";
import { PostgresEngine } from "../../src/store/sql/postgres-engine.js";
import { describeEachEngine } from "../helpers/engines.js";

const message = (title: string): NotificationMessage =>
  ({ title, text: title, markdown: title, payload: {} }) as unknown as NotificationMessage;

const item = (key: string, channelId: string, extra: Partial<Parameters<Outbox["enqueue"]>[0]> = {}) => ({
  key,
  channelId,
  alertId: `alert-${key}`,
  action: "opened",
  message: message(key),
  nowMs: 1_000,
  ...extra,
});

const CLAIM_MS = 60_000;

/** A second engine on the same database: another node (PostgreSQL: another pool), or the one SQLite engine. */
function sameDatabase(sql: SqlEngine): SqlEngine {
  if (sql instanceof PostgresEngine)
    return new PostgresEngine({ connectionString: sql.pool.options.connectionString as string });
  return sql;
}

describeEachEngine("the notification outbox", (fresh, engine) => {
  it("accepts a key once, while queued and after delivery, and records the channels told about an alert", async () => {
    const outbox = new Outbox(await fresh());
    expect(await outbox.enqueue(item("k1", "c1"))).toBe(true);
    expect(await outbox.enqueue(item("k1", "c1"))).toBe(false);
    expect(await outbox.enqueue(item("k2", "c2", { alertId: "alert-k1" }))).toBe(true);
    expect(await outbox.enqueue(item("r1", "c3", { alertId: null, action: "readiness" }))).toBe(true);
    expect(await outbox.size()).toBe(3);
    expect((await outbox.notifiedChannels("alert-k1")).sort()).toEqual(["c1", "c2"]);
    expect(await outbox.notifiedChannels("nobody")).toEqual([]);
    const [head] = await outbox.claimDue("n1", 1_000, CLAIM_MS);
    expect(head).toMatchObject({
      key: "k1",
      channelId: "c1",
      attempts: 0,
      message: { title: "k1", key: "k1" },
    });
    expect(await outbox.done(head as OutboxItem, [head as OutboxItem], 1_500)).toBe(true);
    expect(await outbox.enqueue(item("k1", "c1"))).toBe(false); // delivered keys are remembered
    expect(await outbox.size()).toBe(2);
    expect(await outbox.pruneDone(1_501)).toBe(1);
    expect(await outbox.enqueue(item("k1", "c1"))).toBe(true);
  });

  it("queues inside the caller's transaction: a rollback queues nothing", async () => {
    const sql = await fresh();
    const outbox = new Outbox(sql);
    await expect(
      sql.transaction(async (tx) => {
        expect(await outbox.enqueue(item("k1", "c1"), tx)).toBe(true);
        throw new Error("caller failed");
      }),
    ).rejects.toThrow("caller failed");
    expect(await outbox.size()).toBe(0);
    expect(await outbox.notifiedChannels("alert-k1")).toEqual([]);
  });

  it("claims the due head of each channel's queue once, in queue order; the next waits for the head", async () => {
    const outbox = new Outbox(await fresh());
    await outbox.enqueue(item("a1", "a"));
    await outbox.enqueue(item("b1", "b"));
    await outbox.enqueue(item("a2", "a"));
    await outbox.enqueue(item("c1", "c", { notBeforeMs: 5_000 }));
    const heads = await outbox.claimDue("n1", 1_000, CLAIM_MS);
    expect(heads.map((h) => h.key)).toEqual(["a1", "b1"]);
    expect(heads.every((h) => h.claimId !== null)).toBe(true);
    expect(await outbox.claimDue("n1", 2_000, CLAIM_MS)).toEqual([]);
    expect(await outbox.claimDue("n2", 2_000, CLAIM_MS)).toEqual([]);
    expect(await outbox.done(heads[0] as OutboxItem, [heads[0] as OutboxItem], 2_000)).toBe(true);
    expect((await outbox.claimDue("n2", 5_000, CLAIM_MS)).map((h) => h.key)).toEqual(["a2", "c1"]);
  });

  it("a retry counts the attempt, releases the claim and holds the queue until the next attempt", async () => {
    const outbox = new Outbox(await fresh());
    await outbox.enqueue(item("a1", "a"));
    await outbox.enqueue(item("a2", "a"));
    const [head] = (await outbox.claimDue("n1", 1_000, CLAIM_MS)) as OutboxItem[];
    expect(await outbox.retry(head as OutboxItem, [head as OutboxItem], 3_000)).toBe(true);
    expect(await outbox.claimDue("n2", 2_999, CLAIM_MS)).toEqual([]);
    const [again] = await outbox.claimDue("n2", 3_000, CLAIM_MS);
    expect(again).toMatchObject({ key: "a1", attempts: 1, nextAttemptMs: 3_000 });
    expect(await outbox.giveUp(again as OutboxItem, [again as OutboxItem])).toBe(true);
    expect((await outbox.claimDue("n2", 3_000, CLAIM_MS)).map((h) => h.key)).toEqual(["a2"]);
    expect(await outbox.size()).toBe(1);
  });

  it("an expired claim is taken over; the node that lost it cannot finish, retry or drop the item", async () => {
    const outbox = new Outbox(await fresh());
    await outbox.enqueue(item("a1", "a"));
    const [stale] = (await outbox.claimDue("n1", 1_000, CLAIM_MS)) as OutboxItem[];
    expect(await outbox.claimDue("n2", 1_000 + CLAIM_MS - 1, CLAIM_MS)).toEqual([]);
    const [taken] = (await outbox.claimDue("n2", 1_000 + CLAIM_MS, CLAIM_MS)) as OutboxItem[];
    expect(taken?.key).toBe("a1");
    expect(taken?.claimId).not.toBe(stale?.claimId);
    expect(await outbox.done(stale as OutboxItem, [stale as OutboxItem], 70_000)).toBe(false);
    expect(await outbox.retry(stale as OutboxItem, [stale as OutboxItem], 90_000)).toBe(false);
    expect(await outbox.giveUp(stale as OutboxItem, [stale as OutboxItem])).toBe(false);
    expect(await outbox.size()).toBe(1);
    expect(await outbox.enqueue(item("a1", "a"))).toBe(false);
    expect(await outbox.done(taken as OutboxItem, [taken as OutboxItem], 70_000)).toBe(true);
    expect(await outbox.size()).toBe(0);
  });

  it("an expired claim nobody took over still finishes for its node (no needless resend)", async () => {
    const outbox = new Outbox(await fresh());
    await outbox.enqueue(item("a1", "a"));
    const [head] = (await outbox.claimDue("n1", 1_000, CLAIM_MS)) as OutboxItem[];
    expect(await outbox.done(head as OutboxItem, [head as OutboxItem], 1_000 + 2 * CLAIM_MS)).toBe(true);
    expect(await outbox.size()).toBe(0);
  });

  it("groups a target's due messages of one action, skipping alerts with an earlier message still queued", async () => {
    const outbox = new Outbox(await fresh());
    expect(await outbox.groupNotBefore("a", "opened", 1_000, 30_000)).toBe(31_000);
    await outbox.enqueue(item("x-open", "a", { alertId: "x", notBeforeMs: 31_000 }));
    expect(await outbox.groupNotBefore("a", "opened", 2_000, 30_000)).toBe(31_000);
    expect(await outbox.groupNotBefore("a", "resolved", 2_000, 30_000)).toBe(32_000);
    await outbox.enqueue(item("y-open", "a", { alertId: "y", notBeforeMs: 31_000 }));
    await outbox.enqueue(item("y-res", "a", { alertId: "y", action: "resolved" }));
    await outbox.enqueue(item("x-upd", "a", { alertId: "x", action: "resolved" }));
    await outbox.enqueue(item("z-open", "a", { alertId: "z", notBeforeMs: 31_000 }));
    await outbox.enqueue(item("w-open", "a", { alertId: "w", notBeforeMs: 99_000 }));
    const [head] = (await outbox.claimDue("n1", 31_000, CLAIM_MS)) as OutboxItem[];
    expect(head?.key).toBe("x-open");
    const group = await outbox.dueGroup(head as OutboxItem, 31_000);
    expect(group.map((g) => g.key)).toEqual(["x-open", "y-open", "z-open"]);
    expect(await outbox.done(head as OutboxItem, group, 31_500)).toBe(true);
    expect(await outbox.size()).toBe(3);
    const [next] = await outbox.claimDue("n1", 31_500, CLAIM_MS);
    expect(next?.key).toBe("y-res");
  });

  it("two nodes claiming at once from 200 due messages claim each exactly once, in each channel's order", async () => {
    const sql = await fresh();
    const other = sameDatabase(sql);
    try {
      const nodes = [new Outbox(sql), new Outbox(other)];
      for (let i = 0; i < 200; i += 1)
        await nodes[0]?.enqueue(item(`m${String(i).padStart(3, "0")}`, `c${i % 40}`));
      const claimed: { node: number; key: string; channelId: string }[] = [];
      const drain = async (n: number) => {
        const outbox = nodes[n] as Outbox;
        for (let round = 0; round < 5_000; round += 1) {
          const heads = await outbox.claimDue(`node-${n}`, 1_000, CLAIM_MS, 7);
          if (heads.length === 0 && (await outbox.size()) === 0) return;
          for (const head of heads) {
            claimed.push({ node: n, key: head.key, channelId: head.channelId });
            expect(await outbox.done(head, [head], 1_000)).toBe(true);
          }
        }
      };
      await Promise.all([drain(0), drain(1)]);
      const keys = claimed.map((c) => c.key);
      expect(keys).toHaveLength(200);
      expect(new Set(keys).size).toBe(200);
      for (let c = 0; c < 40; c += 1) {
        const inChannel = claimed.filter((x) => x.channelId === `c${c}`).map((x) => x.key);
        expect(inChannel).toEqual([...inChannel].sort());
      }
      if (engine === "postgres") expect(new Set(claimed.map((c) => c.node)).size).toBe(2);
    } finally {
      if (other !== sql) await other.close();
    }
  }, 60_000);
});
