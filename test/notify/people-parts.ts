import type { PeopleParts } from "../../src/app/people-wiring.js";
import type { Role } from "../../src/core/faults/types.js";
import type {
  ContactBook,
  DutyLookup,
  PersonalMedium,
  PersonalSenders,
  PersonContacts,
} from "../../src/notify/people/ports.js";
import { createChannel } from "../../src/notify/senders/index.js";
import { SMTP_PASSWORD, SMTP_USER } from "./receivers.js";

/** One shift: who is on duty in a role of a hall from `fromMs` (inclusive) to `toMs` (exclusive). */
export interface Shift {
  hallId: string;
  role: Role;
  username: string;
  fromMs: number;
  toMs: number;
}

/** The smallest roster behind DutyLookup: a list of shifts (the rosters helper implements the real one). */
export class ShiftList implements DutyLookup {
  constructor(readonly shifts: Shift[]) {}
  onDuty(hallId: string, role: Role, atMs: number): string[] {
    return this.shifts
      .filter((s) => s.hallId === hallId && s.role === role && s.fromMs <= atMs && atMs < s.toMs)
      .map((s) => s.username);
  }
}

/** Contact points per person, with quiet hours as [fromMs, toMs) intervals. */
export class Contacts implements ContactBook {
  constructor(readonly people: Record<string, { media: PersonalMedium[]; quiet?: [number, number][] }>) {}
  contactsOf(username: string): PersonContacts | null {
    const p = this.people[username];
    if (!p) return null;
    return {
      username,
      media: p.media,
      inQuietHours: (atMs) => (p.quiet ?? []).some(([a, b]) => a <= atMs && atMs < b),
    };
  }
}

/**
 * PersonalSenders with the existing e-mail sender (the channels helper's provider senders may not be on main yet):
 * every medium goes to `<username>+<medium>@hall.example.org` through a real SMTP server, so a test reads who was
 * told over which medium from the recipient. (The signed webhook receiver refuses timestamps five minutes off the
 * real clock, and these tests move the server's clock by hours.)
 */
export function localSenders(smtpPort: number): PersonalSenders {
  return {
    senderFor(username, medium, options) {
      return createChannel(
        {
          type: "email",
          host: "127.0.0.1",
          port: smtpPort,
          secure: false,
          starttls: "off",
          user: SMTP_USER,
          password: SMTP_PASSWORD,
          from: "hallwatch@hall.example.org",
          to: [`${username}+${medium}@hall.example.org`],
        },
        options,
      );
    },
  };
}

/** Who a raw mail went to, as `username:medium`. */
export function recipientOf(raw: string): string {
  const to = /^To: (.*)$/im.exec(raw)?.[1] ?? "";
  const m = /([a-z0-9._-]+)\+([a-z]+)@hall\.example\.org/i.exec(to);
  return m ? `${m[1]}:${m[2]}` : to;
}

export const peopleParts = (
  duty: DutyLookup,
  contacts: ContactBook,
  senders: PersonalSenders,
): PeopleParts => ({
  duty,
  contacts,
  senders,
});
