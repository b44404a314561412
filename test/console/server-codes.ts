import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { API_ERRORS } from "../../src/api/errors.js";
import { DEVICE_KINDS, KIND_SPECS } from "../../src/contract/kinds/index.js";
import { WEEKDAYS } from "../../src/core/calendar/local-time.js";
import { CONNECTIVITY_FAULT_TYPES } from "../../src/core/faults/connectivity-plan.js";
import { RULES_BY_KIND } from "../../src/core/faults/rules/index.js";
import { ROLES, SEVERITIES } from "../../src/core/faults/types.js";
import { FIRE_ASSET_TYPES } from "../../src/core/inspections/assets.js";
import { CHECK_ITEMS } from "../../src/core/inspections/checklist.js";

/**
 * Every code the server defines that a person may read, taken from the server's own lists, so a new code
 * without a label fails the translation tests instead of reaching a page raw.
 */

interface ZodNode {
  _zod?: { def: Record<string, unknown> & { type: string } };
}

/** Telemetry field names and enumerated values, by walking each kind's values schema. */
function walkSchema(node: unknown, fields: Set<string>, values: Set<string>): void {
  const def = (node as ZodNode)?._zod?.def;
  if (!def) return;
  if (def.type === "object")
    for (const [name, child] of Object.entries(def.shape as Record<string, unknown>)) {
      fields.add(name);
      walkSchema(child, fields, values);
    }
  else if (def.type === "enum")
    for (const value of Object.values(def.entries as object)) values.add(String(value));
  else if (def.type === "array") walkSchema(def.element, fields, values);
  else if (def.type === "record") walkSchema(def.valueType, fields, values);
  else walkSchema(def.innerType ?? def.in, fields, values);
}

const telemetryFields = new Set<string>();
const telemetryValues = new Set<string>();
for (const spec of Object.values(KIND_SPECS)) walkSchema(spec.valuesSchema, telemetryFields, telemetryValues);

/** Fault types: the value rules, the connectivity faults, and every `faultType: "…"` literal in src/. */
function faultTypesInSource(dir: string, found: Set<string>): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== "console") faultTypesInSource(path, found);
    } else if (name.endsWith(".ts"))
      for (const match of readFileSync(path, "utf8").matchAll(/faultType: "([a-z_]+)"/g))
        found.add(match[1] as string);
  }
}
const faultTypes = new Set<string>(CONNECTIVITY_FAULT_TYPES);
for (const rules of Object.values(RULES_BY_KIND)) for (const rule of rules) faultTypes.add(rule.faultType);
faultTypesInSource(join(process.cwd(), "src"), faultTypes);

export const SERVER_CODES = {
  kind: [...DEVICE_KINDS],
  role: [...ROLES],
  weekday: [...WEEKDAYS],
  severity: [...SEVERITIES],
  asset: [...FIRE_ASSET_TYPES],
  checkItem: [...CHECK_ITEMS],
  fault: [...faultTypes].sort(),
  field: [...telemetryFields].sort(),
  value: [...telemetryValues, "true", "false"].sort(),
  connectivity: ["online", "offline", "unknown"],
  error: Object.keys(API_ERRORS),
} as const;

/** The demo hall's zone codes (agents/simulator/layout.ts): a zone is a code the console must label too. */
export const DEMO_ZONES = ["entrance", "self-service", "waiting", "counters", "back-office"] as const;

/** The queue machine's service codes in the demo (agents/drivers/sim/queue.ts). */
export const DEMO_SERVICES = ["billing", "sim"] as const;

/** English sentences the API sends; a zh page must never show one. */
export const SERVER_MESSAGES = [
  ...Object.values(API_ERRORS).map((error) => error.message),
  "needs one of the roles",
  "Failed to fetch",
  "NetworkError",
  "Load failed",
];
