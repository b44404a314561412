import type { HallwatchConfig } from "../config/config.js";
import { ContactStore } from "../notify/people/contact-store.js";
import { ContactView } from "../notify/people/contact-view.js";
import { PersonalSenderRegistry } from "../notify/people/personal-senders.js";
import { ensureVapidKeys, type VapidKeys } from "../notify/people/vapid.js";
import type { NotifyStore } from "../notify/store.js";
import type { SecretBox } from "../security/secret-key.js";
import type { SqlEngine } from "../store/sql/engine.js";

/** How soon a contact change made on another node reaches this node's notices (one PostgreSQL, several nodes). */
export const PEOPLE_VIEW_REFRESH_MS = 15_000;

export interface People {
  /** The contact book, in memory for the notification path (see ContactView); the API writes through it. */
  contacts: ContactView;
  senders: PersonalSenderRegistry;
  vapid: VapidKeys;
  stop(): void;
}

/** Contact points, the VAPID key pair (made at first start, sealed) and the personal senders over them. */
export async function openPeople(
  config: HallwatchConfig,
  sql: SqlEngine,
  box: SecretBox,
  notifyStore: NotifyStore,
  now: () => number,
  onError: (err: unknown) => void = () => {},
): Promise<People> {
  const contacts = await ContactView.open(new ContactStore(sql, now), onError);
  contacts.start(PEOPLE_VIEW_REFRESH_MS);
  const vapid = await ensureVapidKeys(sql, box, now);
  const subject =
    config.vapidSubject ??
    (config.publicUrl?.startsWith("https://") ? config.publicUrl : "mailto:hallwatch@localhost");
  const senders = new PersonalSenderRegistry({
    channels: () => notifyStore.channels(),
    contacts,
    vapid: () => vapid,
    vapidSubject: subject,
  });
  return { contacts, senders, vapid, stop: () => contacts.stop() };
}
