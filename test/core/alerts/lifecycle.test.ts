import { describe, expect, it } from "vitest";
import {
  type Alert,
  acknowledge,
  autoResolve,
  isLifecycleError,
  type RaiseInput,
  raise,
  resolveManually,
  type Transition,
} from "../../../src/core/alerts/alert.js";
import { type EscalationPolicy, escalate, remind } from "../../../src/core/alerts/escalation.js";

const MIN = 60_000;
const input = (over: Partial<RaiseInput> = {}): RaiseInput => ({
  key: "h/device/k1/paper_low",
  hallId: "h",
  deviceId: "k1",
  agentId: "a1",
  kind: "kiosk",
  faultType: "paper_low",
  severity: "critical",
  audience: ["floor_staff"],
  summary: { en: "x", zh: "x" },
  observed: 10,
  affected: ["k1"],
  ...over,
});
const ok = (t: Transition | { error: string }): Transition => {
  if (isLifecycleError(t as never)) throw new Error(JSON.stringify(t));
  return t as Transition;
};
const policy: EscalationPolicy = {
  afterMsBySeverity: { critical: 5 * MIN, major: 30 * MIN },
  levels: [["duty_manager", "maintenance"], ["admin"]],
  offlineReminderEveryMs: 60 * MIN,
};

describe("alert lifecycle", () => {
  it("opens once; a repeat updates count and value instead of duplicating", () => {
    const first = raise(null, input(), 0, 10 * MIN, "id-1");
    expect(first.entry.action).toBe("opened");
    const again = raise(first.alert, input({ observed: 8 }), 1000, 10 * MIN, "id-2");
    expect(again.alert).toMatchObject({ id: "id-1", count: 2, lastObserved: 8, status: "open" });
    expect(again.entry.action).toBe("updated");
  });

  it("goes open → acknowledged → resolved, with who, when and why", () => {
    const opened = raise(null, input(), 0, 10 * MIN, "a").alert;
    const acked = ok(acknowledge(opened, "li.wei", "on my way", 1000));
    expect(acked.alert).toMatchObject({
      status: "acknowledged",
      acknowledged: { by: "li.wei", atMs: 1000, comment: "on my way" },
    });
    const resolved = ok(resolveManually(acked.alert, "li.wei", "paper refilled", 2000));
    expect(resolved.alert).toMatchObject({
      status: "resolved",
      resolved: { by: "li.wei", atMs: 2000, reason: "paper refilled" },
    });
    expect(resolved.entry).toMatchObject({
      action: "resolved",
      fromStatus: "acknowledged",
      toStatus: "resolved",
      by: "li.wei",
    });
  });

  it("refuses illegal transitions with a typed error, not an exception", () => {
    const opened = raise(null, input(), 0, 10 * MIN, "a").alert;
    const acked = ok(acknowledge(opened, "u", null, 1));
    expect(acknowledge(acked.alert, "v", null, 2)).toMatchObject({ error: "already_acknowledged" });
    const resolved = ok(autoResolve(acked.alert, 3));
    expect(resolveManually(resolved.alert, "u", "x", 4)).toMatchObject({ error: "already_resolved" });
    expect(acknowledge(resolved.alert, "u", null, 4)).toMatchObject({ error: "already_resolved" });
  });

  it("reopens within the flap window and marks it flapping; opens a new alert after it", () => {
    const opened = raise(null, input(), 0, 10 * MIN, "a").alert;
    const acked = ok(acknowledge(opened, "u", null, 1000)).alert;
    const resolved = ok(autoResolve(acked, 2 * MIN)).alert;
    const reopened = raise(resolved, input(), 2 * MIN + 9 * MIN, 10 * MIN, "b");
    expect(reopened.entry.action).toBe("reopened");
    expect(reopened.alert).toMatchObject({
      id: "a",
      status: "open",
      flapping: true,
      reopenCount: 1,
      count: 2,
      acknowledged: null,
    });
    const resolvedAgain = ok(autoResolve(reopened.alert, 12 * MIN)).alert;
    const fresh = raise(resolvedAgain, input(), 12 * MIN + 10 * MIN + 1, 10 * MIN, "c");
    expect(fresh.entry.action).toBe("opened");
    expect(fresh.alert).toMatchObject({ id: "c", flapping: false, count: 1 });
  });
});

describe("escalation and reminders", () => {
  const open = (severity: Alert["severity"], faultType = "paper_low") =>
    raise(null, input({ severity, faultType }), 0, 10 * MIN, "a").alert;

  it("escalates an unacknowledged critical alert at 5 min, once per level, up to the last level", () => {
    const a = open("critical");
    expect(escalate(a, policy, 5 * MIN - 1)).toBeNull();
    const first = escalate(a, policy, 5 * MIN);
    expect(first).toMatchObject({ alert: { escalationLevel: 1 }, audience: ["duty_manager", "maintenance"] });
    expect(escalate(first!.alert, policy, 6 * MIN)).toBeNull();
    const second = escalate(first!.alert, policy, 10 * MIN);
    expect(second).toMatchObject({ alert: { escalationLevel: 2 }, audience: ["admin"] });
    expect(escalate(second!.alert, policy, 100 * MIN)).toBeNull();
  });

  it("defect 4: a manual resolve of a condition that still holds is refused, naming it", () => {
    const a = open("major");
    const refused = resolveManually(a, "floor1", "cleared", 1000, {
      type: "reading",
      faultType: "printer_jam",
      subject: "kiosk-1",
      observed: "jam",
    });
    expect(refused).toMatchObject({ error: "condition_active" });
    expect((refused as { message: string }).message).toMatch(
      /kiosk-1 still reports printer_jam \(latest reading: jam\)/,
    );
    expect(ok(resolveManually(a, "floor1", "cleared", 1000, null)).alert.status).toBe("resolved");
  });

  it("defect 5: an escalation adds the roles it names to the alert's audience, so they can see what they are told", () => {
    const a = open("critical"); // audience: floor_staff
    const first = escalate(a, policy, 5 * MIN)!;
    expect(first.alert.audience).toEqual(["floor_staff", "duty_manager", "maintenance"]);
    const second = escalate(first.alert, policy, 10 * MIN)!;
    expect(second.alert.audience).toEqual(["floor_staff", "duty_manager", "maintenance", "admin"]);
    // A reopen starts again from the rule's audience and level 0.
    const resolved = ok(autoResolve(second.alert, 11 * MIN));
    expect(raise(resolved.alert, input(), 12 * MIN, 10 * MIN, "x").alert.audience).toEqual(["floor_staff"]);
  });

  it("escalates a major alert at 30 min, and never one that was acknowledged or is minor", () => {
    const major = open("major");
    expect(escalate(major, policy, 29 * MIN)).toBeNull();
    expect(escalate(major, policy, 30 * MIN)?.alert.escalationLevel).toBe(1);
    const acked = ok(acknowledge(open("critical"), "u", null, MIN)).alert;
    expect(escalate(acked, policy, 60 * MIN)).toBeNull();
    expect(escalate(open("minor"), policy, 600 * MIN)).toBeNull();
  });

  it("escalates after a restart exactly as if it had kept running (state lives on the alert)", () => {
    const a = open("critical");
    const restored = JSON.parse(JSON.stringify(escalate(a, policy, 5 * MIN)!.alert)) as Alert;
    expect(escalate(restored, policy, 7 * MIN)).toBeNull();
  });

  it("reminds about a device that stays offline every period, and not about value faults", () => {
    const offline = open("major", "offline");
    expect(remind(offline, policy, 59 * MIN)).toBeNull();
    const r1 = remind(offline, policy, 60 * MIN);
    expect(r1?.entry.action).toBe("reminded");
    expect(remind(r1!.alert, policy, 119 * MIN)).toBeNull();
    expect(remind(r1!.alert, policy, 120 * MIN)).not.toBeNull();
    expect(remind(open("major"), policy, 600 * MIN)).toBeNull();
  });

  it("catches up one level at a time after a pause, so no level's contacts are skipped", () => {
    const a = open("critical");
    const first = escalate(a, policy, 12 * MIN); // 12 min without a tick: both levels are due
    expect(first).toMatchObject({ alert: { escalationLevel: 1 }, audience: ["duty_manager", "maintenance"] });
    const second = escalate(first!.alert, policy, 12 * MIN + 1000);
    expect(second).toMatchObject({ alert: { escalationLevel: 2 }, audience: ["admin"] });
  });
});
