import { codeLabel } from "../../i18n/codes.js";
import { ESCALATION_TEXT } from "../../i18n/escalation.js";
import type { Lang } from "../../i18n.js";

export type ChainTarget = { onDuty: string } | { user: string };
export interface ChainStep {
  afterMin: number;
  target: ChainTarget;
  via: string[];
}
export interface Chain {
  id: string;
  severity: string;
  hallId: string | null;
  steps: ChainStep[];
  repeatEveryMin: number | null;
}

/** "10 分钟后 → 当班的值班经理 · 短信、浏览器推送" / "after 10 min → on-duty Duty manager via SMS, browser push". */
export function stepWords(lang: Lang, step: ChainStep, userName: (username: string) => string): string {
  const e = ESCALATION_TEXT[lang];
  const when = step.afterMin === 0 ? e.atOnce : e.after.replace("{n}", String(step.afterMin));
  const who =
    "onDuty" in step.target
      ? e.onDutyOf.replace("{role}", codeLabel(lang, "role", step.target.onDuty))
      : userName(step.target.user);
  const via = step.via.length
    ? step.via.map((m) => codeLabel(lang, "medium", m)).join(e.viaJoin)
    : e.preferred;
  return `${when} → ${who}${e.viaWord}${via}`;
}
