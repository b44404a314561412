import { z } from "zod";
import type { AlertChange } from "../alerts/alert-service.js";
import { roleSchema, severitySchema } from "../contract/index.js";
import type { HistoryAction } from "../core/alerts/alert.js";
import { widenAudience } from "../core/alerts/escalation.js";
import type { Role, Severity } from "../core/faults/types.js";

export const NOTIFY_ACTIONS = [
  "opened",
  "reopened",
  "escalated",
  "reminded",
  "resolved",
  "readiness",
] as const;
export type NotifyAction = (typeof NOTIFY_ACTIONS)[number];

/** Alert changes that ever notify; updates, comments, acknowledgements and affected-list changes never do. */
const NOTIFYING: ReadonlySet<HistoryAction> = new Set([
  "opened",
  "reopened",
  "escalated",
  "reminded",
  "resolved",
]);

/** Who hears about what: a hall (or all), roles, a minimum severity, which changes, and the channels to use. */
export const routingRuleSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  hallId: z.string().min(1).nullable().default(null),
  roles: z.array(roleSchema).min(1),
  /** Omitted: the defaults of PRODUCT.md per role (see DEFAULT_MIN_SEVERITY_BY_ROLE). */
  minSeverity: severitySchema.optional(),
  /** "readiness" is the pre-opening report, sent to rules that include the duty manager's role. */
  actions: z
    .array(z.enum(NOTIFY_ACTIONS))
    .min(1)
    .default(["opened", "reopened", "escalated", "reminded", "readiness"]),
  channelIds: z.array(z.string().min(1)).min(1),
});
export type RoutingRuleInput = z.input<typeof routingRuleSchema>;
export type RoutingRule = Omit<z.infer<typeof routingRuleSchema>, "minSeverity"> & {
  id: string;
  minSeverity: Severity;
};

/** Most urgent first; congestion (operational) needs people on the floor now, so it ranks above minor. */
export const SEVERITY_RANK: Record<Severity, number> = {
  critical: 0,
  major: 1,
  operational: 2,
  minor: 3,
  warning: 4,
};

/**
 * PRODUCT.md §1: the duty manager gets the hall's critical and major alerts (and congestion, which the fault
 * table sends to the duty manager too); floor staff, maintenance and security get every alert whose audience
 * names them (consumables, repairs, fire equipment); admins are reached by escalation, major and up.
 */
export const DEFAULT_MIN_SEVERITY_BY_ROLE: Record<Role, Severity> = {
  duty_manager: "operational",
  floor_staff: "warning",
  maintenance: "warning",
  security: "warning",
  admin: "major",
};

/** A rule's minimum severity when none is given: the most permissive default of its roles. */
export function defaultMinSeverity(roles: readonly Role[]): Severity {
  let least: Severity = "critical";
  for (const role of roles) {
    const s = DEFAULT_MIN_SEVERITY_BY_ROLE[role];
    if (SEVERITY_RANK[s] > SEVERITY_RANK[least]) least = s;
  }
  return least;
}

export function completeRule(input: z.infer<typeof routingRuleSchema>, id: string): RoutingRule {
  return { ...input, id, minSeverity: input.minSeverity ?? defaultMinSeverity(input.roles) };
}

/**
 * The channels the rules send a change to. An alert reaches a rule when one of its audience roles is among the
 * rule's roles. An escalation has already added the roles it escalates to to the audience (`widenAudience`), so
 * the roles told are exactly the roles that can see the alert (`canSeeAlert`); the union here only covers changes
 * made before that rule existed.
 */
export function route(change: AlertChange, rules: readonly RoutingRule[]): Set<string> {
  const action = change.entry?.action;
  const channels = new Set<string>();
  if (!action || !NOTIFYING.has(action)) return channels;
  const roles = new Set<Role>(
    action === "escalated"
      ? widenAudience(change.alert.audience, change.escalatedTo ?? [])
      : change.alert.audience,
  );
  for (const rule of rules) {
    if (rule.hallId !== null && rule.hallId !== change.alert.hallId) continue;
    if (!(rule.actions as readonly string[]).includes(action)) continue;
    if (SEVERITY_RANK[change.alert.severity] > SEVERITY_RANK[rule.minSeverity]) continue;
    if (!rule.roles.some((r) => roles.has(r))) continue;
    for (const id of rule.channelIds) channels.add(id);
  }
  return channels;
}

/**
 * Where a change goes, given the channels already told about this alert. A resolution always goes to
 * every channel that was told, whatever the rules and even if the alert was silenced since; an alert in
 * maintenance, or `silenced` by a silence in force, is otherwise not notified at all.
 */
export function planTargets(
  change: AlertChange,
  rules: readonly RoutingRule[],
  notifiedChannelIds: readonly string[],
  silenced = false,
): string[] {
  const action = change.entry?.action;
  if (!action || !NOTIFYING.has(action)) return [];
  const targets = change.alert.inMaintenance || silenced ? new Set<string>() : route(change, rules);
  if (action === "resolved") for (const id of notifiedChannelIds) targets.add(id);
  return [...targets];
}

/** Channels for a hall's pre-opening readiness report: rules of that hall (or all) for the duty manager. */
export function routeReadiness(hallId: string, rules: readonly RoutingRule[]): Set<string> {
  const channels = new Set<string>();
  for (const rule of rules) {
    if (rule.hallId !== null && rule.hallId !== hallId) continue;
    if (!rule.actions.includes("readiness") || !rule.roles.includes("duty_manager")) continue;
    for (const id of rule.channelIds) channels.add(id);
  }
  return channels;
}
