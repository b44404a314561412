import type { Lang } from "../i18n.js";

/** Every error code the API answers with (src/api/errors.ts), in both languages, plus the browser's own failures. */
export const ERROR_TEXT = {
  zh: {
    bad_request: "填写的内容有误",
    unauthenticated: "请先登录",
    forbidden: "你的角色或营业厅范围不允许此操作",
    csrf_failed: "页面已过期，请刷新后重试",
    weak_password: "密码太容易被猜到，请换一个更长、更少见的密码",
    too_many_attempts: "尝试次数过多，请稍后再试",
    not_found: "找不到该对象，可能已被删除",
    conflict: "当前状态不允许此操作",
    condition_active: "故障仍在持续，恢复后告警会自动解决",
    assignee_not_in_hall: "此人不属于该告警所在的营业厅",
    assignee_role: "此人的角色不处理这类告警",
    method_not_allowed: "不支持此操作",
    payload_too_large: "提交的内容太大",
    route_not_found: "找不到该功能",
    unknown_channel: "所选的通知通道不存在，可能已被删除",
    internal: "服务器出错，请稍后重试",
    network: "无法连接服务器，请检查网络后重试",
    unknown: "操作失败",
  },
  en: {
    bad_request: "Something in the form is not valid",
    unauthenticated: "Please sign in first",
    forbidden: "Your role or halls do not allow this",
    csrf_failed: "This page has expired; reload it and try again",
    weak_password: "That password is too easy to guess; choose a longer, less common one",
    too_many_attempts: "Too many attempts; try again later",
    not_found: "Not found; it may have been deleted",
    conflict: "This is not possible in the current state",
    condition_active: "The fault still holds; the alert resolves by itself when it clears",
    assignee_not_in_hall: "That person is not of this alert's hall",
    assignee_role: "That person's role does not handle this kind of alert",
    method_not_allowed: "This action is not supported",
    payload_too_large: "What you sent is too large",
    route_not_found: "This function does not exist",
    unknown_channel: "A chosen notification channel does not exist; it may have been deleted",
    internal: "The server failed; try again shortly",
    network: "Cannot reach the server; check the network and try again",
    unknown: "The action failed",
  },
} as const satisfies Record<Lang, Record<string, string>>;

export type ErrorCode = keyof (typeof ERROR_TEXT)["en"];
