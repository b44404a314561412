import type { ApiDeps } from "./app.js";

/**
 * Records one state change in the audit log: who, from where, what, on what, before and after. The promise never
 * rejects (a full store keeps the entry for later); awaiting it only makes sure it is written before the answer.
 */
export type AuditFn = (
  actor: string,
  ip: string,
  action: string,
  target: string,
  before?: unknown,
  after?: unknown,
) => Promise<void>;

export function auditor(deps: ApiDeps): AuditFn {
  const now = deps.now ?? Date.now;
  return (actor, ip, action, target, before, after) =>
    deps.auth.audit.record({ atMs: now(), actor, action, target, before, after, ip });
}
