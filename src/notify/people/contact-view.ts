import type { ContactPort, ContactStore } from "./contact-store.js";
import type { Contacts, ContactsInput, PushSubscriptionInput } from "./contacts.js";
import {
  addressOf,
  type PersonRecord,
  type PushSubscriptionRecord,
  personContacts,
} from "./person-record.js";
import type { ContactBook, PersonalMedium, PersonContacts } from "./ports.js";

/** What the personal senders read (synchronously, when the dispatcher builds a sender) and what they forget. */
export interface ContactAddresses {
  subscriptions(username: string): PushSubscriptionRecord[];
  address(username: string, medium: Exclude<PersonalMedium, "push">): string | null;
  /** A push service said the subscription is gone: dropped at once here, deleted from the store behind. */
  forget(endpoint: string): void;
}

/**
 * People's contact points held in memory for the notification path: the personal notifier asks the contact book
 * synchronously, inside the outbox's transaction, and the dispatcher builds senders synchronously, so neither can
 * await the database. Loaded at start, rewritten per person after every write made through this view, and reloaded
 * every `refreshMs` once started, so a change made on another node (one PostgreSQL shared by several) reaches this
 * node's notices within that time. The API's reads go to the store.
 */
export class ContactView implements ContactPort, ContactBook, ContactAddresses {
  private people = new Map<string, PersonRecord>();
  /** Bumped by each write here: a reload that began before it must not put older rows back. */
  private writes = 0;
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly store: ContactStore,
    private readonly onError: (err: unknown) => void,
  ) {}

  static async open(store: ContactStore, onError: (err: unknown) => void = () => {}): Promise<ContactView> {
    const view = new ContactView(store, onError);
    await view.refresh();
    return view;
  }

  async refresh(): Promise<void> {
    const writes = this.writes;
    const records = await this.store.records();
    if (writes === this.writes) this.people = new Map(records.map((r) => [r.contacts.username, r]));
  }

  start(refreshMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.refresh().catch(this.onError);
    }, refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  contactsOf(username: string): PersonContacts | null {
    const record = this.people.get(username);
    return record ? personContacts(record) : null;
  }

  subscriptions(username: string): PushSubscriptionRecord[] {
    return this.people.get(username)?.subscriptions ?? [];
  }

  address(username: string, medium: Exclude<PersonalMedium, "push">): string | null {
    const record = this.people.get(username);
    return record ? addressOf(record.contacts, medium) : null;
  }

  forget(endpoint: string): void {
    this.dropEndpoint(endpoint);
    this.removeEndpoint(endpoint).catch(this.onError);
  }

  get(username: string): Promise<Contacts> {
    return this.store.get(username);
  }

  async put(username: string, input: ContactsInput): Promise<Contacts> {
    await this.store.put(username, input);
    return (await this.reload(username)).contacts;
  }

  async addSubscription(username: string, sub: PushSubscriptionInput): Promise<{ id: string; host: string }> {
    const added = await this.store.addSubscription(username, sub);
    // A renewed endpoint may have moved from someone else: drop it everywhere, then reload its owner.
    this.dropEndpoint(sub.endpoint);
    await this.reload(username);
    return added;
  }

  async removeSubscription(username: string, id: string): Promise<boolean> {
    const removed = await this.store.removeSubscription(username, id);
    if (removed) await this.reload(username);
    return removed;
  }

  async removeEndpoint(endpoint: string): Promise<boolean> {
    this.dropEndpoint(endpoint);
    this.writes += 1;
    return this.store.removeEndpoint(endpoint);
  }

  private dropEndpoint(endpoint: string): void {
    for (const [username, record] of this.people) {
      if (!record.subscriptions.some((s) => s.endpoint === endpoint)) continue;
      const ids = new Set(record.subscriptions.filter((s) => s.endpoint === endpoint).map((s) => s.id));
      const subscriptions = record.subscriptions.filter((s) => !ids.has(s.id));
      const pushSubscriptions = record.contacts.pushSubscriptions.filter((s) => !ids.has(s.id));
      this.people.set(username, {
        hasContactRow: record.hasContactRow,
        contacts: { ...record.contacts, pushSubscriptions },
        subscriptions,
      });
    }
  }

  private async reload(username: string): Promise<PersonRecord> {
    this.writes += 1;
    const record = await this.store.record(username);
    if (record.hasContactRow || record.subscriptions.length > 0) this.people.set(username, record);
    else this.people.delete(username);
    return record;
  }
}
