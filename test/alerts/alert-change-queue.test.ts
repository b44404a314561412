import { describe, expect, it } from "vitest";
import { EventBus } from "../../src/aggregator/event-bus.js";
import { AlertChangeQueue } from "../../src/alerts/alert-change-queue.js";
import type { AlertChange } from "../../src/alerts/alert-service.js";
import { silentLogger } from "../../src/logging.js";

const change = (id: number) => ({ alert: { id: `a${id}` }, entry: null }) as unknown as AlertChange;

function setUp(maxPerTurn?: number) {
  const bus = new EventBus<{ alert_changed: AlertChange }>(silentLogger());
  const queue = new AlertChangeQueue((l) => bus.on("alert_changed", l), silentLogger(), maxPerTurn);
  queue.start();
  return { bus, queue };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("AlertChangeQueue", () => {
  it("hands changes out after the turn that made them, in order, to every listener", async () => {
    const { bus, queue } = setUp();
    const seen: string[][] = [[], []];
    queue.on((c) => seen[0]!.push(c.alert.id));
    queue.on((c) => seen[1]!.push(c.alert.id));
    for (let i = 0; i < 5; i++) bus.emit("alert_changed", change(i));
    expect(seen).toEqual([[], []]); // nothing inside the reading's turn
    await nextTurn();
    const ids = ["a0", "a1", "a2", "a3", "a4"];
    expect(seen).toEqual([ids, ids]);
  });

  it("a storm is handed out a bounded number per turn, so timers and readings run between", async () => {
    const { bus, queue } = setUp(100);
    const seen: string[] = [];
    queue.on((c) => seen.push(c.alert.id));
    for (let i = 0; i < 350; i++) bus.emit("alert_changed", change(i));
    let turns = 0;
    while (queue.pending > 0) {
      await nextTurn();
      turns += 1;
    }
    expect(turns).toBe(4);
    expect(seen).toEqual(Array.from({ length: 350 }, (_, i) => `a${i}`));
  });

  it("a failing listener neither stops the others nor the queue; stop() delivers what is queued", () => {
    const { bus, queue } = setUp();
    const seen: string[] = [];
    queue.on(() => {
      throw new Error("boom");
    });
    const off = queue.on((c) => seen.push(c.alert.id));
    bus.emit("alert_changed", change(1));
    bus.emit("alert_changed", change(2));
    queue.stop();
    expect(seen).toEqual(["a1", "a2"]);
    bus.emit("alert_changed", change(3)); // after stop: not taken
    off();
    expect(queue.pending).toBe(0);
  });
});
