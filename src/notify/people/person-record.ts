import { inQuietHours } from "../../core/people/quiet-hours.js";
import type { Contacts } from "./contacts.js";
import type { PersonalMedium, PersonContacts } from "./ports.js";

export interface PushSubscriptionRecord {
  id: string;
  username: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** Everything kept about one person's reachability: read from the store, held by the contact view. */
export interface PersonRecord {
  /** Contact points were saved for the person (with none and no subscription, the contact book does not know them). */
  hasContactRow: boolean;
  contacts: Contacts;
  subscriptions: PushSubscriptionRecord[];
}

/** The contact book's answer for one person: the media they can be reached on, in their order, and quiet hours. */
export function personContacts(record: PersonRecord): PersonContacts | null {
  if (!record.hasContactRow && record.subscriptions.length === 0) return null;
  const c = record.contacts;
  const reachable: Record<PersonalMedium, boolean> = {
    email: c.email !== null,
    sms: c.mobile !== null,
    wecom: c.wecomUserId !== null,
    dingtalk: c.dingtalkUserId !== null,
    push: c.pushSubscriptions.length > 0,
  };
  const window = c.quietHours ? { ...c.quietHours, zone: c.zone } : null;
  return {
    username: c.username,
    media: c.media.filter((m) => reachable[m]),
    inQuietHours: (atMs) => inQuietHours(window, atMs),
  };
}

/** The address of one medium, or null (push goes to the person's subscriptions). */
export function addressOf(c: Contacts, medium: Exclude<PersonalMedium, "push">): string | null {
  return { email: c.email, sms: c.mobile, wecom: c.wecomUserId, dingtalk: c.dingtalkUserId }[medium];
}
