import { codeLabel } from "../i18n/codes.js";
import type { Lang } from "../i18n.js";

/**
 * What a person calls a device: the name its agent gave it, as given; else its kind in the reader's language with
 * the number from its id ("charger-2" → "手机充电站 2"); else the kind alone for a one-of-a-kind id ("gateway");
 * else the id.
 */
export function deviceName(d: { deviceId: string; kind: string; name: string | null }, lang: Lang): string {
  if (d.name) return d.name;
  const kind = codeLabel(lang, "kind", d.kind);
  if (d.deviceId === d.kind) return kind;
  const numbered = /^([a-z]+)-(\d+)$/.exec(d.deviceId);
  if (numbered && numbered[1] === d.kind) return `${kind} ${numbered[2]}`;
  if (numbered && d.kind === "extinguisher" && numbered[1] === "ext") return `${kind} ${numbered[2]}`;
  return d.deviceId;
}
