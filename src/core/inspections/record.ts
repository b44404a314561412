import { z } from "zod";
import type { FireAsset } from "./assets.js";
import {
  CHECK_ITEMS,
  type CheckItem,
  checklistFor,
  type ItemResult,
  type SensorReading,
} from "./checklist.js";

export const PHOTO_MIME_TYPES = ["image/jpeg", "image/png", "image/webp"] as const;
/** Phones' photos, resized by the console before upload; the API refuses bigger ones. */
export const MAX_PHOTO_BYTES = 2 * 1024 * 1024;

/** What a person submits for one asset. */
export const inspectionSubmissionSchema = z.strictObject({
  results: z.partialRecord(z.enum(CHECK_ITEMS), z.enum(["pass", "fail"])),
  note: z.string().trim().max(2000).nullable().default(null),
  photo: z
    .strictObject({
      mime: z.enum(PHOTO_MIME_TYPES),
      dataBase64: z
        .string()
        .max(Math.ceil((MAX_PHOTO_BYTES * 4) / 3) + 4, "photo larger than 2 MB")
        .regex(/^[A-Za-z0-9+/]*={0,2}$/, "not base64"),
    })
    .nullable()
    .default(null),
  /**
   * Items answered "pass" although the linked sensor flags them, confirmed by the inspector against the sensor
   * (e.g. the extinguisher is on its bracket and the presence sensor is wrong). Without it such a pass is refused.
   */
  sensorConfirmed: z.array(z.enum(CHECK_ITEMS)).max(CHECK_ITEMS.length).default([]),
  /** Set when this record corrects an earlier one (which stays as it was). */
  correctsId: z.string().uuid().nullable().default(null),
});
export type InspectionSubmission = z.output<typeof inspectionSubmissionSchema>;

/** An inspection record: written once, never changed; a correction is a new record pointing at the old one. */
export interface InspectionRecord {
  id: string;
  hallId: string;
  assetId: string;
  /** The inspection period it counts for (the key of the period it was done in). */
  periodKey: string;
  /** When the inspection was done; a correction keeps the corrected record's time. */
  inspectedMs: number;
  /** When this record was written. */
  recordedMs: number;
  inspector: string;
  results: Partial<Record<CheckItem, ItemResult>>;
  failedItems: CheckItem[];
  passed: boolean;
  note: string | null;
  photoId: string | null;
  /** The sensor readings the inspector saw. */
  sensor: SensorReading[];
  correctsId: string | null;
}

/** Every item of the asset's checklist answered, and nothing else. */
export function submissionProblems(asset: Pick<FireAsset, "type">, results: InspectionSubmission["results"]) {
  const expected = checklistFor(asset.type);
  const problems: string[] = [];
  for (const item of expected) if (!results[item]) problems.push(`results.${item}: not answered`);
  for (const item of Object.keys(results) as CheckItem[])
    if (!expected.includes(item)) problems.push(`results.${item}: not on this asset's checklist`);
  return problems;
}

export function failedItems(results: InspectionSubmission["results"]): CheckItem[] {
  return CHECK_ITEMS.filter((item) => results[item] === "fail");
}

/**
 * A pass on an item the sensor flags must be confirmed explicitly against the sensor (`sensorConfirmed`), so an
 * "all pass" cannot silently overrule it; a confirmation of an item the sensor does not flag is refused too.
 */
export function sensorProblems(
  results: InspectionSubmission["results"],
  readings: readonly SensorReading[],
  confirmed: readonly CheckItem[],
): string[] {
  const problems: string[] = [];
  const flagged = readings.filter((r) => r.flagged);
  for (const reading of flagged)
    if (results[reading.item] === "pass" && !confirmed.includes(reading.item))
      problems.push(
        `results.${reading.item}: the sensor says "${reading.note.en}" (${reading.name} = ${String(reading.value)}); answer fail, or confirm the pass against the sensor with sensorConfirmed: ["${reading.item}"]`,
      );
  for (const item of new Set(confirmed)) {
    if (!flagged.some((r) => r.item === item))
      problems.push(`sensorConfirmed.${item}: the sensor does not flag this item; nothing to confirm`);
    else if (results[item] !== "pass")
      problems.push(`sensorConfirmed.${item}: only a pass is confirmed against the sensor`);
  }
  return problems;
}
