/** Every error the API can answer with: a stable code, its HTTP status, and a default message. */
export const API_ERRORS = {
  bad_request: { status: 400, message: "the request is not valid" },
  unauthenticated: { status: 401, message: "sign in first" },
  forbidden: { status: 403, message: "not allowed for your role or halls" },
  csrf_failed: { status: 403, message: "missing or wrong CSRF token" },
  weak_password: { status: 400, message: "the password is too easy to guess" },
  too_many_attempts: { status: 429, message: "too many failed attempts; try again later" },
  not_found: { status: 404, message: "no such resource" },
  conflict: { status: 409, message: "the resource is not in a state that allows this" },
  condition_active: {
    status: 409,
    message: "the alert's condition still holds: it resolves by itself when it clears",
  },
  assignee_not_in_hall: { status: 400, message: "no such user in the alert's hall" },
  assignee_role: { status: 400, message: "the alert is not for any of that user's roles" },
  link_invalid: { status: 403, message: "this action link is not valid (changed or incomplete)" },
  link_expired: { status: 403, message: "this action link has expired" },
  link_used: { status: 403, message: "this action link was already used" },
  link_wrong_user: { status: 403, message: "this action link is for another person: sign in as them" },
  link_sign_in: { status: 401, message: "sign in as the person this link is for first" },
  silence_ends_in_past: { status: 400, message: "a silence must end in the future" },
  silence_ends_before_start: { status: 400, message: "a silence must end after it starts" },
  silence_too_long: { status: 400, message: "a silence lasts at most 30 days" },
  method_not_allowed: { status: 405, message: "this resource does not allow that method" },
  payload_too_large: { status: 413, message: "the request body is too large" },
  route_not_found: { status: 404, message: "no such endpoint" },
  unknown_channel: { status: 400, message: "no such notification channel" },
  internal: { status: 500, message: "internal error" },
  agent_offline: { status: 409, message: "the device's agent is offline" },
  agent_timeout: { status: 504, message: "the agent did not answer in time" },
  action_not_for_kind: { status: 400, message: "this action does not apply to this kind of device" },
  too_many_actions: { status: 429, message: "too many actions on this device; try again later" },
  hall_moving: {
    status: 503,
    message: "the alert's hall is being taken over by another node; try again in a few seconds",
  },
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message?: string,
    readonly details?: unknown,
  ) {
    super(message ?? API_ERRORS[code].message);
    this.name = "ApiError";
  }

  get status(): number {
    return API_ERRORS[this.code].status;
  }
}

export function errorBody(code: ApiErrorCode, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}
