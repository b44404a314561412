import type { Lang } from "../i18n.js";

const zh = {
  title: "定时报表",
  intro: "报表按营业厅当地时间发送：日报在闭店后，周报在周一早上，月报在每月 1–3 日发给总部。",
  daily: "日报",
  weekly: "周报",
  monthly: "月报",
  enabled: "发送",
  afterCloseMin: "闭店后（分钟）",
  closedNote: "休息日不发送日报",
  mondayAt: "周一发送时间",
  dayOfMonth: "每月几日",
  monthlyAt: "发送时间",
  recipients: "接收人",
  dutyManagers: "本厅值班经理（个人邮箱，无邮箱则用其聊天或推送）",
  channels: "群通道（所有报表）",
  hqChannels: "总部通道（仅月报）",
  noChannels: "尚无通知通道（由管理员添加）",
  next: "下次发送",
  off: "不发送",
  save: "保存报表计划",
  saved: "报表计划已保存",
  defaults: "使用默认计划",
  day: (n: number) => `${n} 日`,
};

const en: typeof zh = {
  title: "Scheduled reports",
  intro:
    "Reports go out on the hall's clock: the daily one after closing, the weekly on Monday morning, the monthly to headquarters on the 1st–3rd.",
  daily: "Daily report",
  weekly: "Weekly report",
  monthly: "Monthly report",
  enabled: "Send",
  afterCloseMin: "Minutes after closing",
  closedNote: "No daily report on a closed day",
  mondayAt: "Monday at",
  dayOfMonth: "Day of the month",
  monthlyAt: "At",
  recipients: "Recipients",
  dutyManagers: "The hall's duty managers (e-mail, else their chat or push)",
  channels: "Group channels (every report)",
  hqChannels: "Headquarters' channels (monthly only)",
  noChannels: "No notification channels yet (an admin adds them)",
  next: "Next",
  off: "not sent",
  save: "Save report schedule",
  saved: "Report schedule saved",
  defaults: "Default schedule",
  day: (n: number) => (n === 1 ? "1st" : n === 2 ? "2nd" : "3rd"),
};

export const REPORT_SCHEDULE_TEXT: Record<Lang, typeof zh> = { zh, en };
