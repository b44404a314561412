import type { Agent } from "node:https";
import { renderMessage } from "../../../src/notify/message.js";
import { ContactStore } from "../../../src/notify/people/contact-store.js";
import { ContactView } from "../../../src/notify/people/contact-view.js";
import { contactsInputSchema } from "../../../src/notify/people/contacts.js";
import { PersonalSenderRegistry } from "../../../src/notify/people/personal-senders.js";
import type { PersonalMedium } from "../../../src/notify/people/ports.js";
import { ensureVapidKeys } from "../../../src/notify/people/vapid.js";
import { ChannelError } from "../../../src/notify/senders/index.js";
import { NotifyStore } from "../../../src/notify/store.js";
import { openDatabase } from "../../../src/store/database.js";
import { SqliteEngine } from "../../../src/store/sql/sqlite-engine.js";
import { asChange, opened } from "../fixtures.js";

/** A real store and contact book (the in-memory view the senders read), the registry over them, and a clock the test moves. */
export async function personalSetup(options: { pushAgent?: Agent } = {}) {
  const db = openDatabase(":memory:");
  const sql = new SqliteEngine(db);
  const store = new NotifyStore(sql);
  const clock = { ms: Date.parse("2026-12-01T18:00:00Z") };
  const contactStore = new ContactStore(sql, () => clock.ms);
  const contacts = await ContactView.open(contactStore);
  const vapid = await ensureVapidKeys(sql, null);
  const senders = new PersonalSenderRegistry({
    channels: () => store.channels(),
    contacts,
    vapid: () => vapid,
    vapidSubject: "mailto:ops@hall.example",
    ...(options.pushAgent ? { pushAgent: options.pushAgent } : {}),
  });
  const sender = (username: string, medium: PersonalMedium) =>
    senders.senderFor(username, medium, { timeoutMs: 3000, now: () => clock.ms });
  const person = (username: string, input: Record<string, unknown>) =>
    contacts.put(username, contactsInputSchema.parse(input));
  return { db, store, contactStore, contacts, vapid, senders, sender, person, clock };
}

/** An alert notice in Chinese with the escalation helper's action link. */
export const notice = {
  ...renderMessage(asChange(opened("a-1")), "zh", "https://hall.example"),
  actionUrl: "https://hall.example/a/tok123",
};

export async function failure(p: Promise<unknown>): Promise<ChannelError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof ChannelError)) throw new Error(`expected a ChannelError, got ${String(err)}`);
  return err;
}
