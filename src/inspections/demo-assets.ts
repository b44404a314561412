import { DateTime } from "luxon";
import { demoHallLayout } from "../../agents/simulator/layout.js";
import { weekdayOf } from "../core/calendar/local-time.js";
import type { FireAssetInput } from "../core/inspections/assets.js";
import { DEFAULT_INSPECTION_POLICY, periodAt } from "../core/inspections/policy.js";
import type { InspectionService } from "./inspection-service.js";

/**
 * The demo hall's fire equipment: one asset per simulated extinguisher and hydrant sensor of the demo layout,
 * in the sensor's zone (E-01 ↔ ext-1 …, H-01 ↔ hydrant-1 …). The last extinguisher is a CO2 one whose service
 * falls due soon, so the demo shows a reminder.
 */
/** The demo hall is in Shanghai: its register names places in Chinese, as its own staff would write them. */
const ZONE_PLACE_ZH: Record<string, string> = {
  entrance: "入口",
  "self-service": "自助区",
  waiting: "等候区",
  counters: "柜台区",
  "back-office": "后台",
};
const place = (zone: string) => ZONE_PLACE_ZH[zone] ?? zone;

export function demoFireAssets(hallId: string): FireAssetInput[] {
  const devices = demoHallLayout(hallId).agents.flatMap((a) => a.devices);
  const extinguishers = devices.filter((d) => d.kind === "extinguisher");
  const hydrants = devices.filter((d) => d.kind === "hydrant");
  return [
    ...extinguishers.map((d, i): FireAssetInput => {
      const co2 = i === extinguishers.length - 1;
      return {
        id: `E-${String(i + 1).padStart(2, "0")}`,
        location: `${place(d.zone)} ${i + 1} 号`,
        zone: d.zone,
        type: co2 ? "co2" : "dry_powder",
        size: co2 ? "3 kg" : "4 kg",
        manufactureDate: co2 ? "2021-12-20" : "2022-05-10",
        pressureMinMpa: 1.0,
        pressureMaxMpa: 1.4,
        sensorDeviceId: d.id,
      };
    }),
    ...hydrants.map(
      (d, i): FireAssetInput => ({
        id: `H-${String(i + 1).padStart(2, "0")}`,
        location: `${place(d.zone)}消火栓箱`,
        zone: d.zone,
        type: "hydrant",
        size: "DN65 25 m",
        manufactureDate: "2019-09-01",
        lastServiceDate: "2026-01-15",
        pressureMinMpa: 0.15,
        pressureMaxMpa: 1.0,
        sensorDeviceId: d.id,
      }),
    ),
  ];
}

/**
 * Registers the demo hall's fire assets so that they are due, not overdue, on whatever day and hour the demo first
 * starts: a demo hall without a policy of its own inspects weekly on the weekday of that first start (due by the
 * end of that day), and its assets are in service since the start of the current period. The policy is kept, so a
 * demo restarted on a later day behaves like a real hall: what was not inspected is overdue.
 */
export async function registerDemoFireAssets(service: InspectionService, hallId: string): Promise<void> {
  const timeZone = service.timeZone(hallId);
  if (!service.hasOwnPolicy(hallId)) {
    const today = weekdayOf(DateTime.fromMillis(service.now(), { zone: timeZone }));
    await service.setPolicy(hallId, { ...DEFAULT_INSPECTION_POLICY, weekday: today }, "demo");
  }
  const period = periodAt(service.policy(hallId), service.now(), timeZone);
  for (const asset of demoFireAssets(hallId))
    await service.putAsset(hallId, asset, { inServiceSinceMs: period.startMs });
}
