import { randomUUID } from "node:crypto";
import { inQuietHours } from "../../core/people/quiet-hours.js";
import type { Db } from "../../store/database.js";
import type { Contacts, ContactsInput, PushSubscriptionInput } from "./contacts.js";
import type { ContactBook, PersonalMedium, PersonContacts } from "./ports.js";

interface ContactRow {
  username: string;
  email: string | null;
  mobile: string | null;
  wecom_user_id: string | null;
  dingtalk_user_id: string | null;
  media_json: string;
  quiet_start: string | null;
  quiet_end: string | null;
  zone: string;
}

interface SubscriptionRow {
  id: string;
  username: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  label: string | null;
  created_ms: number;
}

export interface PushSubscriptionRecord {
  id: string;
  username: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

const hostOf = (endpoint: string) => {
  try {
    return new URL(endpoint).host;
  } catch {
    return "";
  }
};

/** People's contact points, quiet hours and push subscriptions (migration 14); the `ContactBook` of routing. */
export class ContactStore implements ContactBook {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  get(username: string): Contacts {
    const row = this.db.prepare("SELECT * FROM person_contacts WHERE username = ?").get(username) as
      | ContactRow
      | undefined;
    const subs = this.subscriptionRows(username).map((s) => ({
      id: s.id,
      host: hostOf(s.endpoint),
      label: s.label,
      createdMs: s.created_ms,
    }));
    return {
      username,
      email: row?.email ?? null,
      mobile: row?.mobile ?? null,
      wecomUserId: row?.wecom_user_id ?? null,
      dingtalkUserId: row?.dingtalk_user_id ?? null,
      media: row ? (JSON.parse(row.media_json) as PersonalMedium[]) : [],
      quietHours: row?.quiet_start && row.quiet_end ? { start: row.quiet_start, end: row.quiet_end } : null,
      zone: row?.zone ?? "Asia/Shanghai",
      pushSubscriptions: subs,
    };
  }

  /** Replaces the person's contact points (validated by `contactsInputSchema`). */
  put(username: string, input: ContactsInput): Contacts {
    const blank = (v: string | null) => (v ? v : null);
    this.db
      .prepare(
        `INSERT INTO person_contacts (username, email, mobile, wecom_user_id, dingtalk_user_id, media_json,
           quiet_start, quiet_end, zone, updated_ms)
         VALUES (@username, @email, @mobile, @wecom, @dingtalk, @media, @qs, @qe, @zone, @now)
         ON CONFLICT(username) DO UPDATE SET email = @email, mobile = @mobile, wecom_user_id = @wecom,
           dingtalk_user_id = @dingtalk, media_json = @media, quiet_start = @qs, quiet_end = @qe, zone = @zone,
           updated_ms = @now`,
      )
      .run({
        username,
        email: blank(input.email),
        mobile: blank(input.mobile),
        wecom: blank(input.wecomUserId),
        dingtalk: blank(input.dingtalkUserId),
        media: JSON.stringify(input.media),
        qs: input.quietHours?.start ?? null,
        qe: input.quietHours?.end ?? null,
        zone: input.zone,
        now: this.now(),
      });
    return this.get(username);
  }

  /** The address of one medium, or null (push: the person's subscriptions, see `subscriptions`). */
  address(username: string, medium: Exclude<PersonalMedium, "push">): string | null {
    const c = this.get(username);
    return { email: c.email, sms: c.mobile, wecom: c.wecomUserId, dingtalk: c.dingtalkUserId }[medium];
  }

  contactsOf(username: string): PersonContacts | null {
    const row = this.db.prepare("SELECT 1 FROM person_contacts WHERE username = ?").get(username);
    if (!row && this.subscriptionRows(username).length === 0) return null;
    const c = this.get(username);
    const reachable: Record<PersonalMedium, boolean> = {
      email: c.email !== null,
      sms: c.mobile !== null,
      wecom: c.wecomUserId !== null,
      dingtalk: c.dingtalkUserId !== null,
      push: c.pushSubscriptions.length > 0,
    };
    const window = c.quietHours ? { ...c.quietHours, zone: c.zone } : null;
    return {
      username,
      media: c.media.filter((m) => reachable[m]),
      inQuietHours: (atMs) => inQuietHours(window, atMs),
    };
  }

  /** Adds a browser; the same endpoint again (a renewed subscription) replaces its keys and owner. */
  addSubscription(username: string, sub: PushSubscriptionInput): { id: string; host: string } {
    const existing = this.db
      .prepare("SELECT id FROM push_subscriptions WHERE endpoint = ?")
      .get(sub.endpoint) as { id: string } | undefined;
    const id = existing?.id ?? randomUUID();
    this.db
      .prepare(
        `INSERT INTO push_subscriptions (id, username, endpoint, p256dh, auth, label, created_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(endpoint) DO UPDATE SET username = excluded.username, p256dh = excluded.p256dh,
           auth = excluded.auth, label = excluded.label`,
      )
      .run(id, username, sub.endpoint, sub.keys.p256dh, sub.keys.auth, sub.label ?? null, this.now());
    return { id, host: hostOf(sub.endpoint) };
  }

  subscriptions(username: string): PushSubscriptionRecord[] {
    return this.subscriptionRows(username).map((s) => ({
      id: s.id,
      username: s.username,
      endpoint: s.endpoint,
      keys: { p256dh: s.p256dh, auth: s.auth },
    }));
  }

  removeSubscription(username: string, id: string): boolean {
    return (
      this.db.prepare("DELETE FROM push_subscriptions WHERE id = ? AND username = ?").run(id, username)
        .changes > 0
    );
  }

  /** A push service answered 404/410: the browser unsubscribed, so the subscription is gone for good. */
  removeEndpoint(endpoint: string): boolean {
    return this.db.prepare("DELETE FROM push_subscriptions WHERE endpoint = ?").run(endpoint).changes > 0;
  }

  private subscriptionRows(username: string): SubscriptionRow[] {
    return this.db
      .prepare("SELECT * FROM push_subscriptions WHERE username = ? ORDER BY created_ms, id")
      .all(username) as SubscriptionRow[];
  }
}
