import { randomUUID } from "node:crypto";
import type { SqlEngine } from "../../store/sql/engine.js";
import type { Contacts, ContactsInput, PushSubscriptionInput } from "./contacts.js";
import {
  addressOf,
  type PersonRecord,
  type PushSubscriptionRecord,
  personContacts,
} from "./person-record.js";
import type { PersonalMedium, PersonContacts } from "./ports.js";

export type { PersonRecord, PushSubscriptionRecord } from "./person-record.js";

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

const hostOf = (endpoint: string) => {
  try {
    return new URL(endpoint).host;
  } catch {
    return "";
  }
};

/** Oldest first, then by id in byte order (not PostgreSQL's collation), the same on both engines. */
const oldestFirst = (a: SubscriptionRow, b: SubscriptionRow) =>
  a.created_ms - b.created_ms || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** People's contact points, quiet hours and push subscriptions (migration 14), as the API and the contact view use them. */
export interface ContactPort {
  get(username: string): Promise<Contacts>;
  /** Replaces the person's contact points (validated by `contactsInputSchema`). */
  put(username: string, input: ContactsInput): Promise<Contacts>;
  /** Adds a browser; the same endpoint again (a renewed subscription) replaces its keys and owner. */
  addSubscription(username: string, sub: PushSubscriptionInput): Promise<{ id: string; host: string }>;
  removeSubscription(username: string, id: string): Promise<boolean>;
  /** A push service answered 404/410: the browser unsubscribed, so the subscription is gone for good. */
  removeEndpoint(endpoint: string): Promise<boolean>;
}

export class ContactStore implements ContactPort {
  constructor(
    private readonly sql: SqlEngine,
    private readonly now: () => number = Date.now,
  ) {}

  async get(username: string): Promise<Contacts> {
    return (await this.record(username)).contacts;
  }

  async put(username: string, input: ContactsInput): Promise<Contacts> {
    const blank = (v: string | null) => (v ? v : null);
    await this.sql.run(
      `INSERT INTO person_contacts (username, email, mobile, wecom_user_id, dingtalk_user_id, media_json,
         quiet_start, quiet_end, zone, updated_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (username) DO UPDATE SET email = excluded.email, mobile = excluded.mobile,
         wecom_user_id = excluded.wecom_user_id, dingtalk_user_id = excluded.dingtalk_user_id,
         media_json = excluded.media_json, quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end,
         zone = excluded.zone, updated_ms = excluded.updated_ms`,
      [
        username,
        blank(input.email),
        blank(input.mobile),
        blank(input.wecomUserId),
        blank(input.dingtalkUserId),
        JSON.stringify(input.media),
        input.quietHours?.start ?? null,
        input.quietHours?.end ?? null,
        input.zone,
        this.now(),
      ],
    );
    return this.get(username);
  }

  /** The address of one medium, or null (push: the person's subscriptions, see `subscriptions`). */
  async address(username: string, medium: Exclude<PersonalMedium, "push">): Promise<string | null> {
    return addressOf(await this.get(username), medium);
  }

  /** The contact book's answer for one person, read from the database now. */
  async contactsOf(username: string): Promise<PersonContacts | null> {
    return personContacts(await this.record(username));
  }

  async addSubscription(username: string, sub: PushSubscriptionInput): Promise<{ id: string; host: string }> {
    // On a known endpoint RETURNING gives the row's own id, so concurrent renewals agree on it.
    const row = await this.sql.get<{ id: string }>(
      `INSERT INTO push_subscriptions (id, username, endpoint, p256dh, auth, label, created_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (endpoint) DO UPDATE SET username = excluded.username, p256dh = excluded.p256dh,
         auth = excluded.auth, label = excluded.label
       RETURNING id`,
      [randomUUID(), username, sub.endpoint, sub.keys.p256dh, sub.keys.auth, sub.label ?? null, this.now()],
    );
    if (!row) throw new Error("push subscription not saved");
    return { id: row.id, host: hostOf(sub.endpoint) };
  }

  async subscriptions(username: string): Promise<PushSubscriptionRecord[]> {
    return (await this.record(username)).subscriptions;
  }

  async removeSubscription(username: string, id: string): Promise<boolean> {
    const result = await this.sql.run("DELETE FROM push_subscriptions WHERE id = ? AND username = ?", [
      id,
      username,
    ]);
    return result.changes > 0;
  }

  async removeEndpoint(endpoint: string): Promise<boolean> {
    return (await this.sql.run("DELETE FROM push_subscriptions WHERE endpoint = ?", [endpoint])).changes > 0;
  }

  /** Everything kept about one person (for the contact view after a write). */
  async record(username: string): Promise<PersonRecord> {
    const row = await this.sql.get<ContactRow>("SELECT * FROM person_contacts WHERE username = ?", [
      username,
    ]);
    const subs = await this.sql.all<SubscriptionRow>("SELECT * FROM push_subscriptions WHERE username = ?", [
      username,
    ]);
    return toRecord(username, row, subs);
  }

  /** Every person with contact points or a subscription, by username in byte order (loads the contact view). */
  async records(): Promise<PersonRecord[]> {
    const rows = await this.sql.all<ContactRow>("SELECT * FROM person_contacts");
    const subs = await this.sql.all<SubscriptionRow>("SELECT * FROM push_subscriptions");
    const names = [...new Set([...rows.map((r) => r.username), ...subs.map((s) => s.username)])].sort(
      (a, b) => (a < b ? -1 : a > b ? 1 : 0),
    );
    const byName = new Map(rows.map((r) => [r.username, r]));
    return names.map((name) =>
      toRecord(
        name,
        byName.get(name),
        subs.filter((s) => s.username === name),
      ),
    );
  }
}

function toRecord(username: string, row: ContactRow | undefined, subs: SubscriptionRow[]): PersonRecord {
  const sorted = [...subs].sort(oldestFirst);
  return {
    hasContactRow: row !== undefined,
    contacts: {
      username,
      email: row?.email ?? null,
      mobile: row?.mobile ?? null,
      wecomUserId: row?.wecom_user_id ?? null,
      dingtalkUserId: row?.dingtalk_user_id ?? null,
      media: row ? (JSON.parse(row.media_json) as PersonalMedium[]) : [],
      quietHours: row?.quiet_start && row.quiet_end ? { start: row.quiet_start, end: row.quiet_end } : null,
      zone: row?.zone ?? "Asia/Shanghai",
      pushSubscriptions: sorted.map((s) => ({
        id: s.id,
        host: hostOf(s.endpoint),
        label: s.label,
        createdMs: s.created_ms,
      })),
    },
    subscriptions: sorted.map((s) => ({
      id: s.id,
      username: s.username,
      endpoint: s.endpoint,
      keys: { p256dh: s.p256dh, auth: s.auth },
    })),
  };
}
