import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import type { RosterInput } from "../../src/core/rosters/index.js";
import { RosterView } from "../../src/store/roster-view.js";
import { RosterStore } from "../../src/store/rosters.js";
import { describeEachEngine } from "../helpers/engines.js";

const feedKey = randomBytes(32);
const input = (name: string): RosterInput => ({
  name,
  hallIds: ["h1"],
  timeZone: "Asia/Shanghai",
  shifts: [
    { weekdays: [1, 2, 3, 4, 5, 6, 7], start: "08:00", end: "20:00", role: "security", usernames: ["lena"] },
  ],
});

describeEachEngine("the in-memory roster view", (fresh) => {
  it("holds the live rosters for the duty lookup, rewritten after each write made through it", async () => {
    const sql = await fresh();
    const store = new RosterStore(sql, feedKey);
    const first = await store.save(input("first"), "kai", 1);
    const view = await RosterView.open(store);
    expect(view.current()).toEqual([first]);
    const second = await view.save(input("second"), "kai", 2);
    expect(view.current().map((r) => r.id)).toEqual([first.id, second.id]);
    expect(await view.remove(first.id, 3)).toEqual(first);
    expect(view.current()).toEqual([second]);
    expect(await view.remove(first.id, 4)).toBeNull();
    // Reads and feeds go to the store.
    expect(await view.get(second.id)).toEqual(second);
    const token = await view.feedToken("lena", 5);
    expect(await view.feedOwner(token)).toBe("lena");
    expect(await view.rotateFeedToken("lena", 6)).not.toBe(token);
  });

  it("sees a roster saved on another node once it reloads, also on its timer", async () => {
    const sql = await fresh();
    const here = await RosterView.open(new RosterStore(sql, feedKey));
    const there = await RosterView.open(new RosterStore(sql, feedKey));
    const saved = await there.save(input("there"), "kai", 1);
    expect(here.current()).toEqual([]);
    here.start(10);
    await expect.poll(() => here.current().map((r) => r.id)).toEqual([saved.id]);
    here.stop();
  });
});
