import type { Lang } from "../i18n.js";

type ActText = {
  title: string;
  forPerson: (name: string) => string;
  hall: string;
  device: string;
  opened: string;
  status: string;
  acknowledge: string;
  comment: string;
  commentLabel: string;
  sendComment: string;
  resolve: string;
  reasonLabel: string;
  confirmResolve: string;
  cancel: string;
  done: { acknowledge: string; comment: string; resolve: string };
  once: string;
  signIn: string;
  openConsole: string;
};

/** The one-tap page a personal notice's link opens (pages/act.tsx). */
export const ACT_TEXT: Record<Lang, ActText> = {
  zh: {
    title: "处理告警",
    forPerson: (name) => `此链接发给：${name}`,
    hall: "营业厅",
    device: "设备",
    opened: "发生时间",
    status: "状态",
    acknowledge: "确认告警（我来处理）",
    comment: "备注",
    commentLabel: "备注内容",
    sendComment: "发送备注",
    resolve: "标记为已恢复",
    reasonLabel: "恢复说明",
    confirmResolve: "确认恢复",
    cancel: "取消",
    done: {
      acknowledge: "已确认，谢谢。值班同事会看到由你处理。",
      comment: "备注已记录在告警时间线上。",
      resolve: "告警已标记为恢复。",
    },
    once: "每个链接只能使用一次。",
    signIn: "请以本人身份登录后继续",
    openConsole: "打开控制台",
  },
  en: {
    title: "Act on an alert",
    forPerson: (name) => `This link is for ${name}`,
    hall: "Hall",
    device: "Device",
    opened: "Raised",
    status: "Status",
    acknowledge: "Acknowledge (I'm on it)",
    comment: "Comment",
    commentLabel: "Your comment",
    sendComment: "Send the comment",
    resolve: "Mark as resolved",
    reasonLabel: "What was done",
    confirmResolve: "Confirm: resolved",
    cancel: "Cancel",
    done: {
      acknowledge: "Acknowledged, thank you. Everyone on duty sees that you are on it.",
      comment: "Your comment is on the alert's timeline.",
      resolve: "The alert is marked as resolved.",
    },
    once: "Each link works once.",
    signIn: "Sign in as yourself to go on",
    openConsole: "Open the console",
  },
};
