import type { ExtinguisherValues, HydrantValues } from "../../contract/index.js";
import { type FireAsset, type FireAssetType, isExtinguisher } from "./assets.js";

/** The weekly checklist of PRODUCT.md section 7. */
export const CHECK_ITEMS = [
  "located",
  "visible",
  "access_clear",
  "pressure_green",
  "seal_pin_intact",
  "no_damage",
  "hose_present",
] as const;
export type CheckItem = (typeof CHECK_ITEMS)[number];
export type ItemResult = "pass" | "fail";

export const CHECK_ITEM_TEXT: Record<CheckItem, { en: string; zh: string }> = {
  located: { en: "In its place", zh: "在指定位置" },
  visible: { en: "Visible, sign in place", zh: "醒目可见，标识完好" },
  access_clear: { en: "Access clear", zh: "取用通道无遮挡" },
  pressure_green: { en: "Pressure in the green zone", zh: "压力在绿区" },
  seal_pin_intact: { en: "Seal and safety pin intact", zh: "铅封和保险销完好" },
  no_damage: { en: "No damage, corrosion or leak", zh: "无损伤、锈蚀、泄漏" },
  hose_present: { en: "Hose and nozzle present", zh: "喷管/水带、喷嘴齐全" },
};

/** Hydrant cabinets have no seal and pin; every asset has the rest. */
export function checklistFor(type: FireAssetType): CheckItem[] {
  return isExtinguisher(type) ? [...CHECK_ITEMS] : CHECK_ITEMS.filter((i) => i !== "seal_pin_intact");
}

/** A sensor reading shown beside the checklist, flagged when it contradicts the item it belongs to. */
export interface SensorReading {
  item: CheckItem;
  name: string;
  value: number | boolean;
  unit: string | null;
  flagged: boolean;
  note: { en: string; zh: string };
  /** On a record: the inspector passed this flagged item, confirming it against the sensor. */
  confirmedPass?: true;
}

/** What the linked sensor says about the checklist items, from its latest values (null: no sensor or no data). */
export function sensorReadings(
  asset: Pick<FireAsset, "type" | "pressureMinMpa" | "pressureMaxMpa">,
  values: Record<string, unknown> | null,
): SensorReading[] {
  if (!values) return [];
  const readings: SensorReading[] = [];
  const pressure = values.pressureMpa;
  if (typeof pressure === "number") {
    const low = pressure < asset.pressureMinMpa;
    const high = pressure > asset.pressureMaxMpa;
    readings.push({
      item: "pressure_green",
      name: "pressureMpa",
      value: pressure,
      unit: "MPa",
      flagged: low || high,
      note: low
        ? { en: "below the green zone", zh: "低于绿区" }
        : high
          ? { en: "above the green zone", zh: "高于绿区" }
          : { en: "in the green zone", zh: "在绿区内" },
    });
  }
  const bool = (item: CheckItem, name: string, good: boolean, en: [string, string], zh: [string, string]) => {
    const value = values[name];
    if (typeof value !== "boolean") return;
    const ok = value === good;
    readings.push({
      item,
      name,
      value,
      unit: null,
      flagged: !ok,
      note: { en: ok ? en[0] : en[1], zh: ok ? zh[0] : zh[1] },
    });
  };
  if (isExtinguisher(asset.type)) {
    const v = values as Partial<ExtinguisherValues>;
    if (v.present !== undefined)
      bool("located", "present", true, ["on its bracket", "not on its bracket"], ["在挂架上", "不在挂架上"]);
    bool("access_clear", "obstructed", false, ["not obstructed", "obstructed"], ["无遮挡", "被遮挡"]);
    bool("seal_pin_intact", "sealIntact", true, ["seal intact", "seal broken"], ["铅封完好", "铅封破损"]);
  } else {
    const v = values as Partial<HydrantValues>;
    if (v.hosePresent !== undefined)
      bool("hose_present", "hosePresent", true, ["hose present", "hose missing"], ["水带在位", "水带缺失"]);
    bool(
      "access_clear",
      "doorOpen",
      false,
      ["cabinet closed", "cabinet door open"],
      ["箱门关闭", "箱门打开"],
    );
  }
  return readings;
}
