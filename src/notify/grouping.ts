import type { Alert } from "../core/alerts/alert.js";
import type { Severity } from "../core/faults/types.js";
import { neutralizeMarkdown } from "./markdown.js";
import { type Language, type NotificationMessage, SEVERITY_LABEL } from "./message.js";
import { SEVERITY_RANK } from "./routing.js";

/** Changes that may be grouped into one notice per route (readiness reports and tests never are). */
export const GROUPABLE_ACTIONS: ReadonlySet<string> = new Set([
  "opened",
  "reopened",
  "escalated",
  "reminded",
  "resolved",
]);

export interface HallLabel {
  name: string;
  region: string | null;
}

/** How many names a grouped notice lists before "and N more". */
const LISTED_HALLS = 20;

const ACTION: Record<Language, Record<string, string>> = {
  zh: {
    opened: "告警",
    reopened: "再次告警",
    escalated: "告警升级",
    reminded: "仍未恢复",
    resolved: "已恢复",
  },
  en: {
    opened: "Alert",
    reopened: "Alert again",
    escalated: "Escalated",
    reminded: "Still down",
    resolved: "Resolved",
  },
};

const W = {
  zh: {
    halls: (n: number) => `${n} 个营业厅`,
    inRegion: (n: number, region: string) => `${region} ${n} 个营业厅`,
    noRegion: (n: number) => `未设片区 ${n} 个营业厅`,
    alerts: (n: number) => `${n} 条告警`,
    faults: "故障",
    hallList: "营业厅",
    more: (n: number) => `等 ${n} 个`,
    sep: "，",
    colon: "：",
    list: "、",
  },
  en: {
    halls: (n: number) => `${n} hall${n === 1 ? "" : "s"}`,
    inRegion: (n: number, region: string) => `${n} hall${n === 1 ? "" : "s"} in ${region}`,
    noRegion: (n: number) => `${n} hall${n === 1 ? "" : "s"} without a region`,
    alerts: (n: number) => `${n} alerts`,
    faults: "Faults",
    hallList: "Halls",
    more: (n: number) => `and ${n} more`,
    sep: ", ",
    colon: ": ",
    list: ", ",
  },
} as const;

/** Counts by key, largest first (ties by key, so the text is stable). */
function countBy<T>(items: readonly T[], key: (item: T) => string): [string, number][] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/**
 * One notice for many alert changes of one kind (e.g. 200 gateways down): "200 halls: Hall gateway down",
 * with a line per region ("120 halls in 西城区") and per fault when they differ, and the halls named up to a
 * limit. Pure: hall names and regions come from `halls`.
 */
export function renderGroupMessage(
  alerts: readonly Alert[],
  action: string,
  language: Language,
  halls: (hallId: string) => HallLabel | null,
  linkBaseUrl: string | null,
): NotificationMessage {
  const w = W[language];
  const hallIds = [...new Set(alerts.map((a) => a.hallId))];
  const regions = countBy(hallIds, (id) => halls(id)?.region ?? "");
  const faults = countBy(alerts, (a) => a.summary[language]);
  const severity = alerts.reduce<Severity>(
    (worst, a) => (SEVERITY_RANK[a.severity] < SEVERITY_RANK[worst] ? a.severity : worst),
    "warning",
  );
  const [onlyRegion] = regions;
  const scope =
    regions.length === 1 && onlyRegion && onlyRegion[0] !== ""
      ? w.inRegion(hallIds.length, onlyRegion[0])
      : w.halls(hallIds.length);
  const what = faults.length === 1 ? (faults[0]?.[0] ?? "") : w.alerts(alerts.length);
  const summary = `${scope}${w.colon}${what}`;
  const title = `[${SEVERITY_LABEL[language][severity]}] ${ACTION[language][action] ?? action} · ${summary}`;
  const lines: string[] = [];
  if (regions.length > 1)
    for (const [region, n] of regions) lines.push(region ? w.inRegion(n, region) : w.noRegion(n));
  if (faults.length > 1)
    lines.push(`${w.faults}${w.colon}${faults.map(([f, n]) => `${f} ${n}`).join(w.sep)}`);
  const names = hallIds.slice(0, LISTED_HALLS).map((id) => halls(id)?.name ?? id);
  const rest = hallIds.length - names.length;
  lines.push(`${w.hallList}${w.colon}${names.join(w.list)}${rest > 0 ? ` ${w.more(rest)}` : ""}`);
  const link = linkBaseUrl ? `${linkBaseUrl.replace(/\/+$/, "")}/#/board` : null;
  const markdown = [
    `**${neutralizeMarkdown(title)}**`,
    ...lines.map((l) => `> ${neutralizeMarkdown(l)}`),
    ...(link ? [`[${language === "zh" ? "打开控制台" : "Open the console"}](${link})`] : []),
  ].join("\n");
  return {
    title,
    markdown,
    text: [title, "", ...lines, ...(link ? ["", link] : [])].join("\n"),
    severity,
    payload: {
      action,
      group: { size: alerts.length, halls: hallIds.length, summary },
      alerts: alerts.map((a) => ({
        id: a.id,
        hallId: a.hallId,
        faultType: a.faultType,
        severity: a.severity,
      })),
      link,
    },
  };
}

/** The alert a queued message is about (messages rendered by renderMessage carry it), or null. */
export function alertOfMessage(message: NotificationMessage): Alert | null {
  const alert = (message.payload as { alert?: unknown }).alert;
  return alert && typeof alert === "object" && "hallId" in alert ? (alert as Alert) : null;
}
