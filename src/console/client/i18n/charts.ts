import type { Lang } from "../i18n.js";

/** Words of the charts, the uptime page and the device page; both languages have the same keys. */
const zh = {
  min: "最低",
  max: "最高",
  latest: "最新",
  noData: "暂无数据",
  points: "个数据点",
  greenZone: "正常压力范围",
  marked: "标记时刻",
  lastDay: "最近 24 小时",
};

const en: typeof zh = {
  min: "Min",
  max: "Max",
  latest: "Latest",
  noData: "No data yet",
  points: "points",
  greenZone: "Normal pressure range",
  marked: "Marked time",
  lastDay: "Last 24 hours",
};

export const CHART_TEXT: Record<Lang, typeof zh> = { zh, en };
