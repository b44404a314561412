import { demoHallLayout } from "../../agents/simulator/layout.js";
import type { FireAssetInput } from "../core/inspections/assets.js";
import { periodAt } from "../core/inspections/policy.js";
import type { InspectionService } from "./inspection-service.js";

/**
 * The demo hall's fire equipment: one asset per simulated extinguisher and hydrant sensor of the demo layout,
 * in the sensor's zone (E-01 ↔ ext-1 …, H-01 ↔ hydrant-1 …). The last extinguisher is a CO2 one whose service
 * falls due soon, so the demo shows a reminder.
 */
export function demoFireAssets(hallId: string): FireAssetInput[] {
  const devices = demoHallLayout(hallId).agents.flatMap((a) => a.devices);
  const extinguishers = devices.filter((d) => d.kind === "extinguisher");
  const hydrants = devices.filter((d) => d.kind === "hydrant");
  return [
    ...extinguishers.map((d, i): FireAssetInput => {
      const co2 = i === extinguishers.length - 1;
      return {
        id: `E-${String(i + 1).padStart(2, "0")}`,
        location: `${d.zone} #${i + 1}`,
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
        location: `${d.zone} hydrant cabinet`,
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
 * Registers the demo hall's fire assets as in service since the start of the current inspection period, so they
 * are due (pending or overdue) on whatever day and hour the demo starts, not "not due" after the period's due day.
 */
export function registerDemoFireAssets(service: InspectionService, hallId: string): void {
  const period = periodAt(service.policy(hallId), service.now(), service.timeZone(hallId));
  for (const asset of demoFireAssets(hallId))
    service.putAsset(hallId, asset, { inServiceSinceMs: period.startMs });
}
