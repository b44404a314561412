import { parse } from "csv-parse/sync";
import { type FireAssetInput, fireAssetInputSchema } from "../core/inspections/assets.js";

/** Columns of the asset CSV (header row required; order free). Empty cells mean "not given". */
export const ASSET_CSV_COLUMNS = [
  "id",
  "location",
  "zone",
  "type",
  "size",
  "manufactureDate",
  "pressureMinMpa",
  "pressureMaxMpa",
  "lastServiceDate",
  "nextServiceDate",
  "scrapDate",
  "sensorDeviceId",
] as const;
const REQUIRED = ["id", "location", "type", "size", "manufactureDate", "pressureMinMpa", "pressureMaxMpa"];
const NUMERIC = new Set(["pressureMinMpa", "pressureMaxMpa"]);

export class AssetCsvError extends Error {
  constructor(readonly problems: string[]) {
    super(`asset CSV refused:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "AssetCsvError";
  }
}

/**
 * Parses an asset CSV (UTF-8, optional BOM, comma separated, quoted fields allowed). Every row is checked and
 * every problem is reported with its line; nothing is imported unless all rows are valid.
 */
export function parseAssetCsv(
  text: string,
  maxRows = 5_000,
): ReturnType<typeof fireAssetInputSchema.parse>[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(text, {
      bom: true,
      columns: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: false,
    });
  } catch (err) {
    throw new AssetCsvError([(err as Error).message]);
  }
  if (rows.length === 0)
    throw new AssetCsvError(["no rows: the first line must name the columns, rows follow"]);
  if (rows.length > maxRows) throw new AssetCsvError([`${rows.length} rows; at most ${maxRows} per import`]);
  const header = Object.keys(rows[0] as Record<string, string>);
  const problems: string[] = [];
  const unknown = header.filter((c) => !(ASSET_CSV_COLUMNS as readonly string[]).includes(c));
  if (unknown.length > 0)
    problems.push(`unknown columns: ${unknown.join(", ")} (known: ${ASSET_CSV_COLUMNS.join(", ")})`);
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length > 0) problems.push(`missing columns: ${missing.join(", ")}`);
  if (problems.length > 0) throw new AssetCsvError(problems);

  const assets: ReturnType<typeof fireAssetInputSchema.parse>[] = [];
  const seen = new Map<string, number>();
  rows.forEach((row, index) => {
    const line = index + 2; // the header is line 1
    const input: Record<string, unknown> = {};
    for (const [column, raw] of Object.entries(row)) {
      if (raw === "") continue;
      input[column] = NUMERIC.has(column) ? Number(raw) : raw;
    }
    const result = fireAssetInputSchema.safeParse(input as FireAssetInput);
    if (!result.success) {
      for (const issue of result.error.issues)
        problems.push(`line ${line}: ${issue.path.join(".") || "row"}: ${issue.message}`);
      return;
    }
    const earlier = seen.get(result.data.id);
    if (earlier !== undefined) problems.push(`line ${line}: id ${result.data.id} repeats line ${earlier}`);
    seen.set(result.data.id, line);
    assets.push(result.data);
  });
  if (problems.length > 0) throw new AssetCsvError(problems);
  return assets;
}
