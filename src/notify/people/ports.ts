import type { Alert } from "../../core/alerts/alert.js";
import type { Role } from "../../core/faults/types.js";
import type { Channel } from "../senders/channel.js";

/**
 * The seams between the parts of personal notification (issue 14). Each part implements its side behind one of
 * these, so routing and escalation never depend on how rosters, contacts or silences are stored.
 */

/** How a person can be reached. */
export const PERSONAL_MEDIA = ["email", "sms", "wecom", "dingtalk", "push"] as const;
export type PersonalMedium = (typeof PERSONAL_MEDIA)[number];

/** Outbox target of a personal notice: `person:<username>:<medium>` (group channels keep their channel id). */
export const personTarget = (username: string, medium: PersonalMedium): string =>
  `person:${username}:${medium}`;

export function parsePersonTarget(target: string): { username: string; medium: PersonalMedium } | null {
  const m = /^person:(.+):([a-z]+)$/.exec(target);
  if (!m) return null;
  const medium = m[2] as PersonalMedium;
  return (PERSONAL_MEDIA as readonly string[]).includes(medium) ? { username: m[1] as string, medium } : null;
}

/**
 * Who is on duty: the rosters' answer for one hall, role and instant (usernames, possibly none). Synchronous: asked
 * inside the outbox's transaction; the server answers from the in-memory roster view (store/roster-view.ts).
 */
export interface DutyLookup {
  onDuty(hallId: string, role: Role, atMs: number): string[];
}

/** A person's contact points and quiet hours, as the contacts store keeps them. */
export interface PersonContacts {
  username: string;
  /** Media this person has an address for, in the order they prefer. */
  media: PersonalMedium[];
  /** In quiet hours at this instant (their own zone): only critical alerts reach them. */
  inQuietHours(atMs: number): boolean;
}

/** Synchronous, like DutyLookup: the server answers from the in-memory contact view (contact-view.ts). */
export interface ContactBook {
  contactsOf(username: string): PersonContacts | null;
}

/** Builds the sender for a personal target (provider credentials + the person's address), or null if unreachable. */
export interface PersonalSenders {
  senderFor(
    username: string,
    medium: PersonalMedium,
    options: { timeoutMs: number; now: () => number },
  ): Channel | null | Promise<Channel | null>;
}

/** The silence that stops notices for an alert now, if any (silences never change uptime). */
export interface SilenceLookup {
  silencing(alert: Alert, nowMs: number): Promise<{ id: string } | null>;
}
