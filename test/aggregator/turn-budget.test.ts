import { describe, expect, it } from "vitest";
import { IngestTurnBudget } from "../../src/aggregator/turn-budget.js";

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("the ingest's turn budget", () => {
  it("lets messages through at once until the turn has used its budget, then one turn later, in order", async () => {
    let nowMs = 0;
    const budget = new IngestTurnBudget(10, () => nowMs);
    const handled: number[] = [];
    for (let i = 0; i < 30; i += 1) {
      budget.pass(() => handled.push(i));
      nowMs += 1; // each message takes 1 ms
    }
    expect(handled).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await nextTurn();
    expect(handled).toHaveLength(30);
    expect(handled).toEqual([...handled].sort((a, b) => a - b));
    expect(budget.deferrals).toBe(20);
  });

  it("gives a new turn a whole budget", async () => {
    let nowMs = 0;
    const budget = new IngestTurnBudget(10, () => nowMs);
    let handled = 0;
    for (let turn = 0; turn < 3; turn += 1) {
      for (let i = 0; i < 5; i += 1) {
        budget.pass(() => (handled += 1));
        nowMs += 1;
      }
      await nextTurn();
    }
    expect(handled).toBe(15);
    expect(budget.deferrals).toBe(0);
  });
});
