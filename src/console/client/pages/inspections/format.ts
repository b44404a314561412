import type { Lang } from "../../i18n.js";
import { INSPECTION_TEXT } from "../../inspections-i18n.js";
import type { Period } from "./types.js";

/** A local date of the hall ("2026-12-07") as people say it: "Mon 7 Dec", "12月7日周一". */
export function formatDay(isoDate: string, lang: Lang): string {
  return new Date(`${isoDate}T12:00:00Z`).toLocaleDateString(lang === "zh" ? "zh-CN" : "en-GB", {
    weekday: "short",
    day: "numeric",
    month: "short",
    timeZone: "UTC",
  });
}

/**
 * "This period 2026-W49: Overdue · due by the end of Mon 30 Nov", or for an asset registered after this period's
 * due day "…: Not due until Mon 7 Dec" (an inspection done meanwhile still counts: "Done · not due until …").
 */
export function periodLine(period: Period, lang: Lang): string {
  const t = INSPECTION_TEXT[lang];
  const head = `${t.period} ${period.label}: `;
  if (period.notDueUntil) {
    const notDue = t.notDueUntil(formatDay(period.notDueUntil, lang));
    return period.status === "not_due"
      ? `${head}${notDue}`
      : `${head}${t.status[period.status] ?? period.status} · ${notDue}`;
  }
  return `${head}${t.status[period.status] ?? period.status} · ${t.dueBy(formatDay(period.dueDay, lang))}`;
}

/** Photos are scaled down on the phone (longest side 1280 px, JPEG) before upload. */
export async function readPhoto(
  file: File | undefined,
): Promise<{ mime: string; dataBase64: string } | null> {
  if (!file) return null;
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, 1280 / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext("2d")?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const dataUrl = canvas.toDataURL("image/jpeg", 0.8);
  return { mime: "image/jpeg", dataBase64: dataUrl.slice(dataUrl.indexOf(",") + 1) };
}
