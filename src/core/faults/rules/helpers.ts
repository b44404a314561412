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
