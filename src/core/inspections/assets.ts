import { DateTime } from "luxon";
import { z } from "zod";

/** Fire assets: portable extinguishers by agent, and indoor hydrant cabinets. */
export const FIRE_ASSET_TYPES = ["dry_powder", "co2", "water", "foam", "clean_agent", "hydrant"] as const;
export type FireAssetType = (typeof FIRE_ASSET_TYPES)[number];
export const fireAssetTypeSchema = z.enum(FIRE_ASSET_TYPES);

export const isExtinguisher = (type: FireAssetType) => type !== "hydrant";

/**
 * Service and scrap years per type, after GB 50444-2008 (5.4.3 / 5.4.4): water-based (water, foam) first
 * serviced 3 years after manufacture then every year, scrapped at 6; dry powder and clean agent 5, then every 2,
 * scrapped at 10; CO2 5, then every 2, scrapped at 12. Hydrant cabinets have no scrap age and are tested yearly.
 */
export interface ServiceLife {
  firstServiceYears: number;
  serviceEveryYears: number;
  scrapYears: number | null;
}

export const GB50444_SERVICE_LIFE: Record<FireAssetType, ServiceLife> = {
  water: { firstServiceYears: 3, serviceEveryYears: 1, scrapYears: 6 },
  foam: { firstServiceYears: 3, serviceEveryYears: 1, scrapYears: 6 },
  dry_powder: { firstServiceYears: 5, serviceEveryYears: 2, scrapYears: 10 },
  clean_agent: { firstServiceYears: 5, serviceEveryYears: 2, scrapYears: 10 },
  co2: { firstServiceYears: 5, serviceEveryYears: 2, scrapYears: 12 },
  hydrant: { firstServiceYears: 1, serviceEveryYears: 1, scrapYears: null },
};

export const serviceLifeOverridesSchema = z.partialRecord(
  fireAssetTypeSchema,
  z.strictObject({
    firstServiceYears: z.number().int().min(1).max(30),
    serviceEveryYears: z.number().int().min(1).max(30),
    scrapYears: z.number().int().min(1).max(50).nullable(),
  }),
);
export type ServiceLifeOverrides = z.infer<typeof serviceLifeOverridesSchema>;

const isoDate = z.iso.date();
const assetIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "letters, digits, '_', '.', '-' (at most 64)");

/** What a person enters (or a CSV row holds); service and scrap dates default from the type's service life. */
export const fireAssetInputSchema = z
  .strictObject({
    id: assetIdSchema,
    location: z.string().trim().min(1).max(200),
    zone: z.string().trim().min(1).max(64).nullable().default(null),
    type: fireAssetTypeSchema,
    /** e.g. "4 kg", "5 L", "DN65 25 m". */
    size: z.string().trim().min(1).max(64),
    manufactureDate: isoDate,
    pressureMinMpa: z.number().min(0).max(10),
    pressureMaxMpa: z.number().min(0).max(10),
    lastServiceDate: isoDate.nullable().default(null),
    nextServiceDate: isoDate.nullable().default(null),
    scrapDate: isoDate.nullable().default(null),
    /** The pressure/presence sensor device watching this asset, if any. */
    sensorDeviceId: z.string().min(1).max(64).nullable().default(null),
  })
  .refine((a) => a.pressureMinMpa < a.pressureMaxMpa, {
    message: "pressureMinMpa must be below pressureMaxMpa",
    path: ["pressureMaxMpa"],
  })
  .refine((a) => a.lastServiceDate === null || a.lastServiceDate >= a.manufactureDate, {
    message: "lastServiceDate is before manufactureDate",
    path: ["lastServiceDate"],
  });
export type FireAssetInput = z.input<typeof fireAssetInputSchema>;
type ParsedAssetInput = z.output<typeof fireAssetInputSchema>;

export interface FireAsset extends Omit<ParsedAssetInput, "nextServiceDate" | "scrapDate"> {
  hallId: string;
  nextServiceDate: string;
  scrapDate: string | null;
  /** Whether the dates were entered or derived from the service life. */
  nextServiceDateSource: "entered" | "derived";
  scrapDateSource: "entered" | "derived";
}

const plusYears = (date: string, years: number) =>
  (DateTime.fromISO(date, { zone: "utc" }).plus({ years }).toISODate() as string) ?? date;

/** Fills in the service and scrap dates the person left out. */
export function completeAsset(
  hallId: string,
  input: ParsedAssetInput,
  overrides: ServiceLifeOverrides = {},
): FireAsset {
  const life = overrides[input.type] ?? GB50444_SERVICE_LIFE[input.type];
  const derivedNext = input.lastServiceDate
    ? plusYears(input.lastServiceDate, life.serviceEveryYears)
    : plusYears(input.manufactureDate, life.firstServiceYears);
  const derivedScrap = life.scrapYears === null ? null : plusYears(input.manufactureDate, life.scrapYears);
  return {
    ...input,
    hallId,
    nextServiceDate: input.nextServiceDate ?? derivedNext,
    scrapDate: input.scrapDate ?? derivedScrap,
    nextServiceDateSource: input.nextServiceDate ? "entered" : "derived",
    scrapDateSource: input.scrapDate ? "entered" : "derived",
  };
}
