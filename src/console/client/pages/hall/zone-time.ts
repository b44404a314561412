import { DateTime } from "luxon";

/**
 * Times on the hall page are the hall's own clock, not the browser's: a duty manager in Beijing and an admin
 * travelling in Berlin must enter and read the same "22:00" for the same instant.
 */
export function localToMs(date: string, time: string, timeZone: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time)) return null;
  const at = DateTime.fromISO(`${date}T${time}`, { zone: timeZone });
  return at.isValid ? at.toMillis() : null;
}

/** An instant as the hall's clocks show it: "2027-03-10 22:00". */
export function hallClock(ms: number, timeZone: string): string {
  return DateTime.fromMillis(ms, { zone: timeZone }).toFormat("yyyy-MM-dd HH:mm");
}

/** "yyyy-MM-ddTHH:mm" local (as the readiness report sends it) in words: "周二 12月1日 09:00" / "Tue 1 Dec 09:00". */
export function localDayTime(local: string, lang: "zh" | "en"): string {
  const at = DateTime.fromISO(local, { zone: "UTC" }).setLocale(lang === "zh" ? "zh-CN" : "en-GB");
  return lang === "zh"
    ? `${at.toFormat("M月d日 ccc")} ${at.toFormat("HH:mm")}`
    : at.toFormat("ccc d LLL HH:mm");
}
