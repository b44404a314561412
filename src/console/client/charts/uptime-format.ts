import type { Lang } from "../i18n.js";

/** Availability as shown: floored to 0.01 % so that 99.999 % never reads as 100 %; "—" when nothing was expected. */
export function formatRatio(ratio: number | null): string {
  if (ratio === null) return "—";
  return `${(Math.floor(ratio * 10_000) / 100).toFixed(2)}%`;
}

const UNITS: Record<Lang, { d: string; h: string; min: string; sep: string }> = {
  zh: { d: "天", h: "小时", min: "分钟", sep: "" },
  en: { d: "d", h: "h", min: "min", sep: " " },
};

/** A duration as people read it: "3 h 12 min", "2 d 5 h", "45 min" (zh: "3小时12分钟"); "—" when null. */
export function formatDuration(ms: number | null, lang: Lang): string {
  if (ms === null) return "—";
  const u = UNITS[lang];
  const totalMin = Math.round(ms / 60_000);
  const days = Math.floor(totalMin / 1440);
  const hours = Math.floor((totalMin % 1440) / 60);
  const minutes = totalMin % 60;
  const part = (n: number, unit: string) => `${n}${u.sep}${unit}`;
  if (days > 0) return [part(days, u.d), hours > 0 ? part(hours, u.h) : ""].filter(Boolean).join(" ");
  if (hours > 0) return [part(hours, u.h), minutes > 0 ? part(minutes, u.min) : ""].filter(Boolean).join(" ");
  return part(minutes, u.min);
}

/** The colour class of a status-bar cell by its availability. */
export function ratioClass(ratio: number | null): string {
  if (ratio === null) return "u-none";
  if (ratio >= 0.999) return "u-ok";
  if (ratio >= 0.99) return "u-warn";
  if (ratio >= 0.9) return "u-bad";
  return "u-down";
}
