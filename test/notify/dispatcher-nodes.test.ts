import { afterAll, beforeAll, expect, it } from "vitest";
import { silentLogger } from "../../src/logging.js";
import { NotificationDispatcher } from "../../src/notify/dispatcher.js";
import type { NotificationMessage } from "../../src/notify/message.js";
import type { SqlEngine } from "../../src/store/sql/engine.js";
import { PostgresEngine } from "../../src/store/sql/postgres-engine.js";
import { describeEachEngine } from "../helpers/engines.js";
import { waitFor } from "../helpers/wait.js";
import { startHttpReceivers, WEBHOOK_SECRET } from "./receivers.js";

let http: Awaited<ReturnType<typeof startHttpReceivers>>;
beforeAll(async () => {
  http = await startHttpReceivers();
});
afterAll(async () => {
  await http.close();
});

/** Another node's engine on the same database (PostgreSQL: its own pool), or the one SQLite engine. */
function sameDatabase(sql: SqlEngine): SqlEngine {
  if (sql instanceof PostgresEngine)
    return new PostgresEngine({ connectionString: sql.pool.options.connectionString as string });
  return sql;
}

const message = (n: number): NotificationMessage =>
  ({ title: `m${n}`, text: `m${n}`, markdown: `m${n}`, payload: { n } }) as unknown as NotificationMessage;

describeEachEngine("two notifier nodes on one outbox", (fresh) => {
  it("deliver each queued message exactly once between them, each channel in order", async () => {
    http.received.length = 0;
    const sql = await fresh();
    const other = sameDatabase(sql);
    const node = (nodeId: string, engine: SqlEngine) =>
      new NotificationDispatcher({
        sql: engine,
        nodeId,
        subscribe: () => () => {},
        logger: silentLogger(),
        pollIntervalMs: 5,
        sendTimeoutMs: 2000,
      });
    const a = node("node-a", sql);
    const b = node("node-b", other);
    try {
      const channels: string[] = [];
      for (let c = 0; c < 4; c += 1) {
        const channel = await a.store.addChannel({
          name: `hook ${c}`,
          language: "en",
          config: { type: "webhook", url: `${http.base}/flaky?c=${c}`, secret: WEBHOOK_SECRET },
        });
        channels.push(channel.id);
      }
      const items = Array.from({ length: 60 }, (_, n) => ({
        key: `k${String(n).padStart(2, "0")}`,
        target: channels[n % 4] as string,
        action: "report_day",
        message: message(n),
      }));
      expect(await a.enqueueMessages(items)).toHaveLength(60);
      a.start();
      b.start();
      const at = (c: number) => http.received.filter((r) => r.url === `/flaky?c=${c}`);
      const received = () => [0, 1, 2, 3].flatMap(at);
      await waitFor(
        async () => received().length >= 60 && (await a.store.pending()) === 0,
        "60 deliveries",
        20_000,
      );
      await Promise.all([a.stop(), b.stop()]);
      const sent = received().map((r) => (r.body as { title: string }).title);
      expect(sent).toHaveLength(60);
      expect(new Set(sent).size).toBe(60);
      for (let c = 0; c < 4; c += 1) {
        const order = at(c).map((r) => (r.body as { n: number }).n);
        expect(order).toEqual([...order].sort((x, y) => x - y));
      }
      expect((await a.deliveries({ limit: 500 })).items.filter((d) => d.ok)).toHaveLength(60);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      if (other !== sql) await other.close();
    }
  }, 60_000);

  it("send what a node that died mid-send had claimed, once its claim has expired", async () => {
    http.received.length = 0;
    const sql = await fresh();
    const node = new NotificationDispatcher({
      sql,
      nodeId: "survivor",
      subscribe: () => () => {},
      logger: silentLogger(),
      pollIntervalMs: 5,
    });
    try {
      const channel = await node.store.addChannel({
        name: "hook",
        language: "en",
        config: { type: "webhook", url: `${http.base}/flaky?c=dead`, secret: WEBHOOK_SECRET },
      });
      await node.enqueueMessages([
        { key: "k", target: channel.id, action: "report_day", message: message(1) },
      ]);
      const claimMs = 300;
      const [claimed] = await node.store.outbox.claimDue("dead-node", Date.now(), claimMs);
      expect(claimed?.key).toBe("k");
      node.start();
      await new Promise((r) => setTimeout(r, claimMs / 2));
      expect(http.received).toHaveLength(0); // still the dead node's
      await waitFor(() => http.received.length === 1, "sent by the survivor", 5_000);
      await node.deliverDue();
      expect(await node.store.pending()).toBe(0);
      // The dead node's late outcome, were it to come back, changes nothing.
      expect(await node.store.outbox.done(claimed as NonNullable<typeof claimed>, [], Date.now())).toBe(
        false,
      );
      expect(http.received).toHaveLength(1);
    } finally {
      await node.stop();
    }
  });
});
