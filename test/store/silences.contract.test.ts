import { expect, it } from "vitest";
import type { Alert } from "../../src/core/alerts/alert.js";
import { SilenceStore } from "../../src/store/silences.js";
import { describeEachEngine } from "../helpers/engines.js";

const T0 = Date.UTC(2026, 2, 10, 1, 0, 0);
const MIN = 60_000;

const alert = (hallId: string, faultType = "gateway_down") =>
  ({ id: `a-${hallId}`, hallId, deviceId: "gw-1", kind: "gateway", faultType, severity: "major" }) as Alert;

describeEachEngine("SilenceStore", (fresh) => {
  const store = async () => new SilenceStore(await fresh());
  const quiet = (s: SilenceStore, hallId: string | undefined, startsMs: number, endsMs: number) =>
    s.add(
      {
        matchers: { ...(hallId ? { hallId } : {}), faultType: "gateway_down" },
        reason: "works",
        startsMs,
        endsMs,
      },
      "duty",
      T0,
    );

  it("adds a silence and reads it back; a missing one is null", async () => {
    const s = await store();
    const added = await quiet(s, "xc-001", T0, T0 + 60 * MIN);
    expect(added).toMatchObject({
      hallId: "xc-001",
      matchers: { hallId: "xc-001", faultType: "gateway_down" },
      reason: "works",
      createdBy: "duty",
      createdMs: T0,
      startsMs: T0,
      endsMs: T0 + 60 * MIN,
      liftedBy: null,
      liftedMs: null,
      held: 0,
    });
    expect(await s.get(added.id)).toEqual(added);
    expect(await s.get("nope")).toBeNull();
  });

  it("silences a matching alert only between its start and its end (expiry), the shortest first", async () => {
    const s = await store();
    const long = await quiet(s, undefined, T0, T0 + 120 * MIN);
    const short = await quiet(s, "xc-001", T0 + 10 * MIN, T0 + 60 * MIN);
    expect(await s.silencing(alert("xc-001"), T0 - 1)).toBeNull();
    expect(await s.silencing(alert("xc-001"), T0)).toEqual({ id: long.id });
    expect(await s.silencing(alert("xc-001"), T0 + 10 * MIN)).toEqual({ id: short.id });
    expect(await s.silencing(alert("xc-002"), T0 + 10 * MIN)).toEqual({ id: long.id });
    expect(await s.silencing(alert("xc-001", "door_open"), T0 + 10 * MIN)).toBeNull();
    expect(await s.silencing(alert("xc-001"), T0 + 120 * MIN)).toBeNull();
  });

  it("lifts a silence once: it ends now, keeps who lifted it, and silences nothing after", async () => {
    const s = await store();
    const added = await quiet(s, "xc-001", T0, T0 + 60 * MIN);
    const lifted = await s.lift(added.id, "boss", T0 + 5 * MIN);
    expect(lifted).toMatchObject({
      id: added.id,
      endsMs: T0 + 5 * MIN,
      liftedBy: "boss",
      liftedMs: T0 + 5 * MIN,
    });
    expect(await s.lift(added.id, "boss", T0 + 6 * MIN)).toBeNull();
    expect(await s.lift("nope", "boss", T0)).toBeNull();
    expect(await s.silencing(alert("xc-001"), T0 + 5 * MIN)).toBeNull();
  });

  it("lists silences not ended or ended since, newest end first, limited to halls plus every-hall ones", async () => {
    const s = await store();
    const old = await quiet(s, "xc-001", T0, T0 + 10 * MIN);
    const a = await quiet(s, "xc-001", T0, T0 + 30 * MIN);
    const b = await quiet(s, "xc-002", T0, T0 + 40 * MIN);
    const all = await quiet(s, undefined, T0, T0 + 20 * MIN);
    expect((await s.list(T0 + 15 * MIN)).map((x) => x.id)).toEqual([b.id, a.id, all.id]);
    expect((await s.list(T0 + 15 * MIN, ["xc-001"])).map((x) => x.id)).toEqual([a.id, all.id]);
    expect((await s.list(0)).map((x) => x.id)).toContain(old.id);
    expect(await s.list(T0 + 50 * MIN)).toEqual([]);
  });

  it("records the notices a silence held, oldest first, and counts them on the silence", async () => {
    const s = await store();
    const added = await quiet(s, "xc-001", T0, T0 + 60 * MIN);
    const hold = (target: string, atMs: number) =>
      s.recordHold({ silenceId: added.id, alertId: "a1", action: "opened", target, atMs });
    await hold("wecom-1", T0 + 1);
    await hold("person:li:sms", T0 + 2);
    await s.recordHold({
      silenceId: added.id,
      alertId: "a2",
      action: "reopened",
      target: "wecom-1",
      atMs: T0 + 3,
    });
    expect(await s.holdsOf("a1")).toEqual([
      { silenceId: added.id, alertId: "a1", action: "opened", target: "wecom-1", atMs: T0 + 1 },
      { silenceId: added.id, alertId: "a1", action: "opened", target: "person:li:sms", atMs: T0 + 2 },
    ]);
    expect(await s.holdsOf("none")).toEqual([]);
    expect((await s.get(added.id))?.held).toBe(3);
    expect((await s.list(T0))[0]?.held).toBe(3);
  });
});
