import type { HallwatchConfig } from "../config/config.js";
import { ContactStore } from "../notify/people/contact-store.js";
import { PersonalSenderRegistry } from "../notify/people/personal-senders.js";
import { ensureVapidKeys, type VapidKeys } from "../notify/people/vapid.js";
import type { NotifyStore } from "../notify/store.js";
import type { SecretBox } from "../security/secret-key.js";
import type { Db } from "../store/database.js";

export interface People {
  contacts: ContactStore;
  senders: PersonalSenderRegistry;
  vapid: VapidKeys;
}

/** Contact points, the VAPID key pair (made at first start, sealed) and the personal senders over them. */
export function openPeople(
  config: HallwatchConfig,
  db: Db,
  box: SecretBox,
  notifyStore: NotifyStore,
  now: () => number,
): People {
  const contacts = new ContactStore(db, now);
  const vapid = ensureVapidKeys(db, box, now);
  const subject =
    config.vapidSubject ??
    (config.publicUrl?.startsWith("https://") ? config.publicUrl : "mailto:hallwatch@localhost");
  const senders = new PersonalSenderRegistry({
    channels: () => notifyStore.channels(),
    contacts,
    vapid: () => vapid,
    vapidSubject: subject,
  });
  return { contacts, senders, vapid };
}
