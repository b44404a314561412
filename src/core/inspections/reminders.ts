import { DateTime } from "luxon";
import type { FireAsset } from "./assets.js";

export interface DateReminder {
  assetId: string;
  what: "service" | "scrap";
  date: string;
  /** Negative once the date has passed. */
  daysLeft: number;
}

/** Service and scrap dates within `aheadDays` of the local date `today` (or already past). */
export function dateReminders(
  assets: readonly Pick<FireAsset, "id" | "nextServiceDate" | "scrapDate">[],
  today: string,
  aheadDays = 30,
): DateReminder[] {
  const day = DateTime.fromISO(today, { zone: "utc" });
  const daysUntil = (date: string) =>
    Math.round(DateTime.fromISO(date, { zone: "utc" }).diff(day, "days").days);
  const reminders: DateReminder[] = [];
  for (const asset of assets) {
    const service = daysUntil(asset.nextServiceDate);
    if (service <= aheadDays)
      reminders.push({ assetId: asset.id, what: "service", date: asset.nextServiceDate, daysLeft: service });
    if (asset.scrapDate !== null) {
      const scrap = daysUntil(asset.scrapDate);
      if (scrap <= aheadDays)
        reminders.push({ assetId: asset.id, what: "scrap", date: asset.scrapDate, daysLeft: scrap });
    }
  }
  return reminders;
}
