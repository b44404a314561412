import { describe, expect, it } from "vitest";
import { acknowledge, addComment, autoResolve, raise, type Transition } from "../../src/core/alerts/alert.js";
import { escalate, remind } from "../../src/core/alerts/escalation.js";
import {
  completeRule,
  defaultMinSeverity,
  planTargets,
  type RoutingRule,
  route,
  routeReadiness,
  routingRuleSchema,
} from "../../src/notify/routing.js";
import { asChange, opened, overheat } from "./fixtures.js";

const rule = (over: Partial<RoutingRule> & Pick<RoutingRule, "roles" | "channelIds">): RoutingRule =>
  completeRule(routingRuleSchema.parse({ name: "r", ...over }), `rule-${over.channelIds.join("-")}`);

const paperLow = opened("a-paper", {
  key: "h/device/kiosk-1/paper_low",
  deviceId: "kiosk-1",
  kind: "kiosk",
  faultType: "paper_low",
  severity: "warning",
  audience: ["floor_staff"],
  summary: { en: "Receipt paper low", zh: "凭条纸将用完" },
  observed: 9,
  affected: ["kiosk-1"],
});
const resolved = (t: Transition) => autoResolve(t.alert, 5000) as Transition;
const ids = (s: Set<string> | string[]) => [...s].sort();

describe("routing rules", () => {
  it("defaults follow PRODUCT.md: the duty manager from major (and congestion) up, other roles everything", () => {
    expect(defaultMinSeverity(["duty_manager"])).toBe("operational");
    expect(defaultMinSeverity(["floor_staff"])).toBe("warning");
    expect(defaultMinSeverity(["admin"])).toBe("major");
    expect(defaultMinSeverity(["admin", "security"])).toBe("warning");
    const rules = [
      rule({ roles: ["duty_manager"], channelIds: ["duty"] }),
      rule({ roles: ["floor_staff"], channelIds: ["floor"] }),
      rule({ roles: ["security"], channelIds: ["guard"] }),
      rule({ roles: ["maintenance"], channelIds: ["repair"] }),
    ];
    // critical fire risk: duty manager and security, by the alert's audience
    expect(ids(route(asChange(opened("a")), rules))).toEqual(["duty", "guard"]);
    // consumables: floor staff only; a warning never wakes the duty manager
    expect(ids(route(asChange(paperLow), rules))).toEqual(["floor"]);
    const minorForDuty = opened("m", { severity: "minor", audience: ["duty_manager", "maintenance"] });
    expect(ids(route(asChange(minorForDuty), rules))).toEqual(["repair"]);
    const congestion = opened("c", { severity: "operational", audience: ["floor_staff", "duty_manager"] });
    expect(ids(route(asChange(congestion), rules))).toEqual(["duty", "floor"]);
  });

  it("filters by hall (or all halls), role and minimum severity", () => {
    const rules = [
      rule({ hallId: "north", roles: ["security"], minSeverity: "critical", channelIds: ["north-crit"] }),
      rule({ hallId: null, roles: ["security"], minSeverity: "major", channelIds: ["all-major"] }),
    ];
    expect(ids(route(asChange(opened("a", { hallId: "north" })), rules))).toEqual([
      "all-major",
      "north-crit",
    ]);
    expect(ids(route(asChange(opened("a", { hallId: "south" })), rules))).toEqual(["all-major"]);
    expect(ids(route(asChange(opened("a", { hallId: "north", severity: "major" })), rules))).toEqual([
      "all-major",
    ]);
    expect(ids(route(asChange(opened("a", { hallId: "north", severity: "minor" })), rules))).toEqual([]);
    expect(ids(route(asChange(opened("a", { hallId: "north", audience: ["maintenance"] })), rules))).toEqual(
      [],
    );
  });

  it("sends an escalation to the roles it escalates to, only for rules that take escalations", () => {
    const rules = [
      rule({ roles: ["admin"], actions: ["escalated"], channelIds: ["hq"] }),
      rule({ roles: ["admin"], actions: ["opened"], channelIds: ["hq-openings"] }),
    ];
    const t = opened("a", { audience: ["floor_staff"] });
    expect(ids(route(asChange(t), rules))).toEqual([]);
    const esc = escalate(
      t.alert,
      { afterMsBySeverity: { critical: 300_000 }, levels: [["admin"]], offlineReminderEveryMs: 1 },
      1000 + 300_000,
    );
    expect(esc).not.toBeNull();
    expect(ids(route(asChange(esc!, { escalatedTo: esc!.audience }), rules))).toEqual(["hq"]);
    // escalatedTo only counts for escalations
    expect(ids(route(asChange(t, { escalatedTo: ["admin"] }), rules))).toEqual([]);
  });

  it("never notifies updates, comments, acknowledgements or affected-list changes", () => {
    const rules = [
      rule({
        roles: ["security"],
        actions: ["opened", "reopened", "escalated", "reminded", "resolved"],
        channelIds: ["x"],
      }),
    ];
    const t = opened("a");
    const update = raise(t.alert, overheat({ observed: 63 }), 2000, 600_000, "unused");
    expect(update.entry.action).toBe("updated");
    expect(planTargets(asChange(update), rules, ["x"])).toEqual([]);
    expect(planTargets(asChange(addComment(t.alert, "li", "on my way", 2000)), rules, ["x"])).toEqual([]);
    expect(planTargets(asChange(acknowledge(t.alert, "li", null, 2000) as Transition), rules, ["x"])).toEqual(
      [],
    );
    const affected = { ...update, entry: { ...update.entry, action: "affected_changed" as const } };
    expect(planTargets(asChange(affected), rules, ["x"])).toEqual([]);
    const offline = opened("o", { faultType: "offline" });
    const reminder = remind(
      offline.alert,
      { afterMsBySeverity: {}, levels: [], offlineReminderEveryMs: 1000 },
      10_000,
    );
    expect(planTargets(asChange(reminder!), rules, [])).toEqual(["x"]);
  });

  it("always follows a notified alert with its resolution, even when the rules skip resolutions or it was silenced", () => {
    const rules = [rule({ roles: ["security"], actions: ["opened"], channelIds: ["guard"] })];
    const t = opened("a");
    expect(planTargets(asChange(t), rules, [])).toEqual(["guard"]);
    expect(planTargets(asChange(resolved(t)), rules, [])).toEqual([]);
    expect(planTargets(asChange(resolved(t)), rules, ["guard", "removed-rule-channel"]).sort()).toEqual([
      "guard",
      "removed-rule-channel",
    ]);
    // silenced after it was notified (e.g. a maintenance window): the resolution still follows
    const silenced = { ...t, alert: { ...t.alert, inMaintenance: true } };
    expect(planTargets(asChange(resolved(silenced)), [], ["guard"])).toEqual(["guard"]);
  });

  it("does not notify an alert raised in maintenance, nor its resolution when nobody was told", () => {
    const rules = [rule({ roles: ["security"], actions: ["opened", "resolved"], channelIds: ["guard"] })];
    const quiet = opened("q", { inMaintenance: true });
    expect(planTargets(asChange(quiet), rules, [])).toEqual([]);
    expect(planTargets(asChange(resolved(quiet)), rules, [])).toEqual([]);
  });

  it("sends the readiness report to the duty manager's rules of the hall", () => {
    const rules = [
      rule({ hallId: "north", roles: ["duty_manager"], actions: ["readiness"], channelIds: ["duty-north"] }),
      rule({ hallId: "south", roles: ["duty_manager"], actions: ["readiness"], channelIds: ["duty-south"] }),
      rule({ roles: ["floor_staff"], actions: ["readiness"], channelIds: ["floor"] }),
    ];
    expect(ids(routeReadiness("north", rules))).toEqual(["duty-north"]);
  });
});
