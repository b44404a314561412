import type { Lang } from "../i18n.js";

/** Words of the device page; both languages have the same keys. */
const zh = {
  charts: "近 24 小时趋势",
  model: "型号",
  kind: "类型",
  connectivity: "连接",
  event: "事件",
  port: "端口",
  state: "状态",
  noEvents: "暂无事件",
  noAlerts: "暂无告警",
  noValues: "尚无数据",
  greenZone: "绿区",
  aboveOnly: "以上",
  open: "未处理",
  acknowledged: "已确认",
  resolved: "已解决",
  critical: "严重",
  major: "重要",
  minor: "次要",
  warning: "提示",
  operational: "运营",
};

const en: typeof zh = {
  charts: "Last 24 hours",
  model: "Model",
  kind: "Kind",
  connectivity: "Connection",
  event: "Event",
  port: "Port",
  state: "state",
  noEvents: "No events",
  noAlerts: "No alerts",
  noValues: "No readings yet",
  greenZone: "Green zone",
  aboveOnly: "and above",
  open: "Open",
  acknowledged: "Acknowledged",
  resolved: "Resolved",
  critical: "Critical",
  major: "Major",
  minor: "Minor",
  warning: "Warning",
  operational: "Operational",
};

export const DEVICE_TEXT: Record<Lang, typeof zh> = { zh, en };

/** Device event types as agents send them. */
export const EVENT_LABELS: Record<string, { zh: string; en: string }> = {
  changed: { zh: "状态变化", en: "State changed" },
  identify: { zh: "识别提示", en: "Identify" },
  rebooted: { zh: "重启", en: "Rebooted" },
  door_opened: { zh: "箱门打开", en: "Door opened" },
  door_closed: { zh: "箱门关闭", en: "Door closed" },
};
