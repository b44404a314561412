import { z } from "zod";
import type { AlertChange } from "../alerts/alert-service.js";
import { roleSchema, severitySchema } from "../contract/index.js";

export const NOTIFY_ACTIONS = [
  "opened",
  "reopened",
  "escalated",
  "reminded",
  "resolved",
  "readiness",
] as const;

/** Who hears about what: a hall (or all), roles, a minimum severity, which changes, and the channels to use. */
export const routingRuleSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  hallId: z.string().min(1).nullable().default(null),
  roles: z.array(roleSchema).min(1),
  minSeverity: severitySchema.default("warning"),
  /** "readiness" is the pre-opening report, sent to rules that include the duty manager's role. */
  actions: z
    .array(z.enum(NOTIFY_ACTIONS))
    .min(1)
    .default(["opened", "reopened", "escalated", "reminded", "readiness"]),
  channelIds: z.array(z.string().min(1)).min(1),
});
export type RoutingRule = z.infer<typeof routingRuleSchema> & { id: string };

/** Most urgent first; congestion (operational) needs people on the floor now, so it ranks above minor. */
const RANK = { critical: 0, major: 1, operational: 2, minor: 3, warning: 4 } as const;

/**
 * The channels a change goes to. An alert reaches a rule when one of its audience roles (or, for an
 * escalation, one of the roles it escalates to) is among the rule's roles.
 */
export function route(change: AlertChange, rules: readonly RoutingRule[]): Set<string> {
  const action = change.entry?.action;
  const channels = new Set<string>();
  if (!action) return channels;
  const roles = new Set([...change.alert.audience, ...(change.escalatedTo ?? [])]);
  for (const rule of rules) {
    if (rule.hallId !== null && rule.hallId !== change.alert.hallId) continue;
    if (!(rule.actions as readonly string[]).includes(action)) continue;
    if (RANK[change.alert.severity] > RANK[rule.minSeverity]) continue;
    if (!rule.roles.some((r) => roles.has(r))) continue;
    for (const id of rule.channelIds) channels.add(id);
  }
  return channels;
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
