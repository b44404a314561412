import { z } from "zod";
import { DEVICE_KINDS, type DeviceKind } from "../../contract/index.js";
import { RULES_BY_KIND } from "./rules/index.js";
import { ROLES, type RuleSettings, SEVERITIES, type Severity } from "./types.js";

const overrideSchema = z.strictObject({
  enabled: z.boolean().optional(),
  severity: z.enum(SEVERITIES).optional(),
  audience: z.array(z.enum(ROLES)).min(1).optional(),
  forSec: z.number().min(0).max(86_400).optional(),
  params: z.record(z.string(), z.number()).optional(),
});
export type RuleOverride = z.infer<typeof overrideSchema>;

const byKind = z.partialRecord(z.enum(DEVICE_KINDS), z.record(z.string(), overrideSchema));

/** Connectivity faults: a device offline while expected up, an agent dead, a hall's gateway down. */
const connectivitySchema = z.strictObject({
  offlineSeverityByKind: z.partialRecord(z.enum(DEVICE_KINDS), z.enum(SEVERITIES)).default({}),
  offlineSeverity: z.enum(SEVERITIES).default("major"),
  offlineAudience: z.array(z.enum(ROLES)).min(1).default(["duty_manager", "maintenance"]),
  gatewayDownSeverity: z.enum(SEVERITIES).default("critical"),
  gatewayDownAudience: z.array(z.enum(ROLES)).min(1).default(["maintenance", "duty_manager"]),
});

export const rulesConfigSchema = z.strictObject({
  /** Overrides per kind: `{ "charger": { "overheat": { "params": { "aboveC": 60 } } } }`. */
  kinds: byKind.default({}),
  /** Overrides per hall, then per kind. */
  halls: z.record(z.string(), byKind).default({}),
  /** Overrides per device, keyed `hallId/deviceId`. */
  devices: z
    .record(
      z.string().regex(/^[^/]+\/[^/]+$/, "keys are hallId/deviceId"),
      z.record(z.string(), overrideSchema),
    )
    .default({}),
  connectivity: connectivitySchema.prefault({}),
  /** A resolved alert that comes back within this window is reopened (and marked flapping). */
  flapWindowSec: z.number().min(0).default(600),
  escalation: z
    .strictObject({
      /** Unacknowledged alerts of these severities escalate after this long, and again after each period. */
      afterSecBySeverity: z
        .partialRecord(z.enum(SEVERITIES), z.number().min(1))
        .default({ critical: 300, major: 1800 }),
      /** Roles added at each escalation level (level 1 is the first escalation). */
      levels: z
        .array(z.array(z.enum(ROLES)).min(1))
        .min(1)
        .default([["duty_manager", "maintenance"], ["admin"]]),
    })
    .prefault({}),
  /** An offline device (or dead agent, or hall gateway) that stays down produces a reminder this often. */
  offlineReminderEverySec: z.number().min(60).default(3600),
});

export type RulesConfig = z.infer<typeof rulesConfigSchema>;

const asRecord = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

/**
 * Fault types and parameter names that do not exist. Checked on the raw input, apart from the schema,
 * so these are listed together with the schema's own problems.
 */
function referenceProblems(input: unknown): string[] {
  const problems: string[] = [];
  const config = asRecord(input);
  const check = (kind: string, faults: unknown, path: string) => {
    if (!(DEVICE_KINDS as readonly string[]).includes(kind)) return; // the schema reports unknown kinds
    const known = new Map(RULES_BY_KIND[kind as DeviceKind].map((r) => [r.faultType, r]));
    for (const [faultType, override] of Object.entries(asRecord(faults))) {
      const definition = known.get(faultType);
      if (!definition) {
        problems.push(
          `${path}.${faultType}: ${kind} has no fault "${faultType}"; known: ${[...known.keys()].join(", ")}`,
        );
        continue;
      }
      for (const name of Object.keys(asRecord(asRecord(override).params))) {
        if (!(name in definition.defaults.params)) {
          const knownParams = Object.keys(definition.defaults.params).join(", ") || "none";
          problems.push(
            `${path}.${faultType}.params.${name}: ${kind}.${faultType} has no parameter "${name}"; known: ${knownParams}`,
          );
        }
      }
    }
  };
  for (const [kind, faults] of Object.entries(asRecord(config.kinds))) check(kind, faults, `kinds.${kind}`);
  for (const [hall, kinds] of Object.entries(asRecord(config.halls))) {
    for (const [kind, faults] of Object.entries(asRecord(kinds)))
      check(kind, faults, `halls.${hall}.${kind}`);
  }
  const allFaults = new Set(DEVICE_KINDS.flatMap((k) => RULES_BY_KIND[k].map((r) => r.faultType)));
  for (const [device, faults] of Object.entries(asRecord(config.devices))) {
    for (const faultType of Object.keys(asRecord(faults))) {
      if (!allFaults.has(faultType)) problems.push(`devices.${device}.${faultType}: no fault "${faultType}"`);
    }
  }
  return problems;
}

const numericParams = (override: unknown): Record<string, number> =>
  Object.fromEntries(
    Object.entries(asRecord(asRecord(override).params)).filter(
      (entry): entry is [string, number] => typeof entry[1] === "number",
    ),
  );

/**
 * Parameters that are valid one by one but not together (e.g. a clear threshold above the raise threshold),
 * checked on the merged settings at every path that overrides them: defaults, kind, hall, then device.
 */
function consistencyProblems(input: unknown): string[] {
  const config = asRecord(input);
  const problems = new Set<string>();
  for (const kind of DEVICE_KINDS) {
    for (const definition of RULES_BY_KIND[kind]) {
      const check = definition.checkParams;
      if (!check) continue;
      const t = definition.faultType;
      const report = (path: string, params: Record<string, number>, overridden: boolean) => {
        if (!overridden) return;
        for (const problem of check(params)) problems.add(`${path}.params: ${problem}`);
      };
      const kindParams = {
        ...definition.defaults.params,
        ...numericParams(asRecord(asRecord(config.kinds)[kind])[t]),
      };
      report(`kinds.${kind}.${t}`, kindParams, t in asRecord(asRecord(config.kinds)[kind]));
      const hallParams = new Map<string, Record<string, number>>();
      for (const [hall, kinds] of Object.entries(asRecord(config.halls))) {
        const override = asRecord(asRecord(kinds)[kind])[t];
        const params = { ...kindParams, ...numericParams(override) };
        hallParams.set(hall, params);
        report(`halls.${hall}.${kind}.${t}`, params, override !== undefined);
      }
      for (const [device, faults] of Object.entries(asRecord(config.devices))) {
        const override = asRecord(faults)[t];
        if (override === undefined) continue;
        const hall = device.split("/")[0] ?? "";
        const params = { ...(hallParams.get(hall) ?? kindParams), ...numericParams(override) };
        report(`devices.${device}.${t}`, params, true);
      }
    }
  }
  return [...problems];
}

export class RulesConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid rules configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "RulesConfigError";
  }
}

/** Validates a rules file; every bad path is listed so one edit fixes them all. */
export function parseRulesConfig(input: unknown): RulesConfig {
  const result = rulesConfigSchema.safeParse(input ?? {});
  const problems = [
    ...(result.success
      ? []
      : result.error.issues.map((i) => `${i.path.length > 0 ? i.path.join(".") : "(root)"}: ${i.message}`)),
    ...referenceProblems(input),
    ...consistencyProblems(input),
  ];
  if (!result.success || problems.length > 0) throw new RulesConfigError(problems);
  return result.data;
}

function merge(base: RuleSettings, override: RuleOverride | undefined): RuleSettings {
  if (!override) return base;
  return {
    enabled: override.enabled ?? base.enabled,
    severity: override.severity ?? base.severity,
    audience: override.audience ?? base.audience,
    forSec: override.forSec ?? base.forSec,
    params: { ...base.params, ...override.params },
  };
}

/** The settings of every rule for one device: defaults, then kind, hall and device overrides, in that order. */
export function resolveRuleSettings(
  config: RulesConfig,
  kind: DeviceKind,
  hallId: string,
  deviceId: string,
): Map<string, RuleSettings> {
  const settings = new Map<string, RuleSettings>();
  for (const definition of RULES_BY_KIND[kind]) {
    const t = definition.faultType;
    let s: RuleSettings = {
      enabled: true,
      ...definition.defaults,
      params: { ...definition.defaults.params },
    };
    s = merge(s, config.kinds[kind]?.[t]);
    s = merge(s, config.halls[hallId]?.[kind]?.[t]);
    s = merge(s, config.devices[`${hallId}/${deviceId}`]?.[t]);
    settings.set(t, s);
  }
  return settings;
}

export function offlineSeverity(config: RulesConfig, kind: DeviceKind): Severity {
  return (
    config.connectivity.offlineSeverityByKind[kind] ??
    (kind === "gateway" ? "critical" : config.connectivity.offlineSeverity)
  );
}
