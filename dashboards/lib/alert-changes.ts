/**
 * Values of the alert_event `change` tag the dashboards filter on, as listed in src/influx/schema.ts
 * (raised, updated, acknowledged, resolved, reopened, escalated, commented).
 */
export const ALERT_CHANGE = {
  raised: "raised",
  resolved: "resolved",
} as const;
