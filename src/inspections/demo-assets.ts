import type { FireAssetInput } from "../core/inspections/assets.js";

/** The demo hall's fire equipment, linked to the simulated sensors (ext-1…ext-8, hydrant-1, hydrant-2). */
export function demoFireAssets(): FireAssetInput[] {
  const zones = [
    "entrance",
    "entrance",
    "self-service",
    "waiting",
    "waiting",
    "counters",
    "counters",
    "back-office",
  ];
  const extinguishers = zones.map(
    (zone, i): FireAssetInput => ({
      id: `E-${String(i + 1).padStart(2, "0")}`,
      location: `${zone} #${i + 1}`,
      zone,
      type: i === 7 ? "co2" : "dry_powder",
      size: i === 7 ? "3 kg" : "4 kg",
      manufactureDate: i === 7 ? "2021-12-20" : "2022-05-10",
      pressureMinMpa: 1.0,
      pressureMaxMpa: 1.4,
      sensorDeviceId: `ext-${i + 1}`,
    }),
  );
  const hydrants = (["waiting", "counters"] as const).map(
    (zone, i): FireAssetInput => ({
      id: `H-0${i + 1}`,
      location: `${zone} hydrant cabinet`,
      zone,
      type: "hydrant",
      size: "DN65 25 m",
      manufactureDate: "2019-09-01",
      lastServiceDate: "2026-01-15",
      pressureMinMpa: 0.15,
      pressureMaxMpa: 1.0,
      sensorDeviceId: `hydrant-${i + 1}`,
    }),
  );
  return [...extinguishers, ...hydrants];
}
