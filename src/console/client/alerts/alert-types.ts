import type { AlertView } from "../types.js";

/** An alert as GET /api/alerts and the live stream send it, with who acted on it. */
export type FullAlert = AlertView & {
  acknowledged?: { by: string; atMs: number; comment: string | null } | null;
  resolved?: { by: string; atMs: number; reason: string } | null;
  assignee?: { username: string; by: string; atMs: number } | null;
  lastComment?: { by: string; atMs: number; text: string } | null;
};

export interface HistoryEntry {
  atMs: number;
  action: string;
  by: string | null;
  fromStatus: string | null;
  toStatus: string;
  detail: Record<string, unknown> | null;
}

export type AlertDetail = FullAlert & { history: HistoryEntry[] };
