import type { DeviceKind } from "../../../contract/index.js";
import type { RuleDefinition } from "../types.js";
import { chargerRules } from "./charger.js";
import { extinguisherRules } from "./extinguisher.js";
import { gatewayRules } from "./gateway.js";
import { hydrantRules } from "./hydrant.js";
import { kioskRules } from "./kiosk.js";
import { queueRules } from "./queue.js";
import { tvRules } from "./tv.js";

/** Every value rule, by device kind. Connectivity faults (offline, agent and gateway down) live in connectivity.ts. */
export const RULES_BY_KIND: { [K in DeviceKind]: readonly RuleDefinition<K>[] } = {
  kiosk: kioskRules,
  charger: chargerRules,
  tv: tvRules,
  queue: queueRules,
  extinguisher: extinguisherRules,
  hydrant: hydrantRules,
  gateway: gatewayRules,
};
