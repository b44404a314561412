import { expect, it } from "vitest";
import { ChainStore, chainSchema } from "../../../src/notify/people/chains.js";
import { describeEachEngine } from "../../helpers/engines.js";

const chain = (severity: "critical" | "major", hallId: string | null, afterMin = 0) =>
  chainSchema.parse({ severity, hallId, steps: [{ afterMin, target: { onDuty: "duty_manager" } }] });

describeEachEngine("ChainStore", (fresh) => {
  const store = async () => new ChainStore(await fresh());

  it("puts, replaces, lists (by id) and removes chains; a missing one is null", async () => {
    const s = await store();
    expect(await s.chains()).toEqual([]);
    const major = await s.put(chain("major", "xc-001"), 1);
    const critical = await s.put(chain("critical", null), 2);
    expect(critical.id).toBe("critical:*");
    expect((await s.chains()).map((c) => c.id)).toEqual(["critical:*", "major:xc-001"]);
    expect(await s.chain(major.id)).toEqual(major);
    const replaced = await s.put(chain("major", "xc-001", 5), 3);
    expect(replaced.id).toBe(major.id);
    expect((await s.chain(major.id))?.steps[0]?.afterMin).toBe(5);
    expect(await s.chains()).toHaveLength(2);
    expect(await s.remove(major.id)).toBe(true);
    expect(await s.remove(major.id)).toBe(false);
    expect(await s.chain(major.id)).toBeNull();
  });

  it("starts an alert on a chain, advances and finishes it; running lists the unfinished by raise time", async () => {
    const s = await store();
    await s.start("a2", "critical:*", 2_000);
    await s.start("a1", "critical:*", 1_000);
    expect(await s.running()).toEqual([
      { alertId: "a1", chainId: "critical:*", raisedMs: 1_000, stepsDone: 0, repeatsDone: 0 },
      { alertId: "a2", chainId: "critical:*", raisedMs: 2_000, stepsDone: 0, repeatsDone: 0 },
    ]);
    await s.advance("a1", { stepsDone: 2, repeatsDone: 1 });
    expect((await s.running())[0]).toMatchObject({ alertId: "a1", stepsDone: 2, repeatsDone: 1 });
    await s.finish("a1");
    expect((await s.running()).map((p) => p.alertId)).toEqual(["a2"]);
    await s.advance("missing", { stepsDone: 1, repeatsDone: 0 });
    await s.finish("missing");
    expect(await s.running()).toHaveLength(1);
  });

  it("keeps an alert's progress when started again for the same raise, restarts it when reopened or finished", async () => {
    const s = await store();
    await s.start("a1", "major:*", 1_000);
    await s.advance("a1", { stepsDone: 1, repeatsDone: 0 });
    await s.start("a1", "major:*", 1_000);
    expect((await s.running())[0]?.stepsDone).toBe(1);
    await s.start("a1", "critical:*", 5_000);
    expect(await s.running()).toEqual([
      { alertId: "a1", chainId: "critical:*", raisedMs: 5_000, stepsDone: 0, repeatsDone: 0 },
    ]);
    await s.advance("a1", { stepsDone: 1, repeatsDone: 0 });
    await s.finish("a1");
    await s.start("a1", "critical:*", 5_000);
    expect((await s.running())[0]).toMatchObject({ alertId: "a1", stepsDone: 0 });
  });
});
