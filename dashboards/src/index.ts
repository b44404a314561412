import type { DashboardBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { deviceDetail } from "./device-detail.js";
import { faults } from "./faults.js";
import { fireInspections } from "./fire-inspections.js";
import { hallOverview } from "./hall-overview.js";
import { queueCongestion } from "./queue-congestion.js";
import { uptime } from "./uptime.js";

/** Every dashboard, by the file name it is written to in dashboards/generated/. */
export const DASHBOARDS: Record<string, () => DashboardBuilder> = {
  "hall-overview": hallOverview,
  uptime,
  faults,
  "fire-inspections": fireInspections,
  "queue-congestion": queueCongestion,
  "device-detail": deviceDetail,
};
