import type { DeviceKind } from "../../../contract/index.js";
import type { RuleDefinition } from "../types.js";

/** Declares a rule with its kind inferred, so each rule file reads as a table. */
export function rule<K extends DeviceKind>(definition: RuleDefinition<K>): RuleDefinition<K> {
  return definition;
}

export const param = (params: Record<string, number>, name: string): number => {
  const value = params[name];
  if (value === undefined) throw new Error(`rule parameter ${name} is missing`);
  return value;
};

/**
 * Hysteresis of a pair of thresholds: with `raise: "above"` the fault raises above `raiseName` and clears below
 * `clearName`, so the clear threshold must not be higher (and the mirror image for `raise: "below"`).
 */
export function hysteresis(
  raise: "above" | "below",
  raiseName: string,
  clearName: string,
): (params: Record<string, number>) => string[] {
  return (params) => {
    const raiseAt = params[raiseName];
    const clearAt = params[clearName];
    if (raiseAt === undefined || clearAt === undefined) return [];
    const ok = raise === "above" ? clearAt <= raiseAt : clearAt >= raiseAt;
    if (ok) return [];
    const relation = raise === "above" ? "≤" : "≥";
    return [
      `${clearName} (${clearAt}) must be ${relation} ${raiseName} (${raiseAt}): otherwise one value both raises and clears the fault`,
    ];
  };
}

export const checks =
  (...all: Array<(params: Record<string, number>) => string[]>) =>
  (params: Record<string, number>): string[] =>
    all.flatMap((check) => check(params));
