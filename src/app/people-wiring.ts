import type { AlertChange, AlertService } from "../alerts/alert-service.js";
import type { UserDirectory } from "../auth/user-directory.js";
import type { HallwatchConfig } from "../config/config.js";
import type { Logger } from "../logging.js";
import type { DispatcherOptions, NotificationDispatcher } from "../notify/dispatcher.js";
import { ActionLinks } from "../notify/people/action-links.js";
import { type ChainPort, ChainStore } from "../notify/people/chains.js";
import { LinkPolicy } from "../notify/people/link-policy.js";
import { PersonalNotifier } from "../notify/people/personal-notifier.js";
import {
  type ContactBook,
  type DutyLookup,
  type PersonalSenders,
  parsePersonTarget,
  type SilenceLookup,
} from "../notify/people/ports.js";
import type { NotifyStore } from "../notify/store.js";
import type { SqlEngine } from "../store/sql/engine.js";

/** The other sides of personal notification (rosters, contacts and senders, silences); absent: no personal notices. */
export interface PeopleParts {
  duty: DutyLookup;
  contacts: ContactBook;
  senders: PersonalSenders;
  silences?: SilenceLookup;
}

/** Escalation to people, as the server wires it: the API's side now, the notifier once the dispatcher runs. */
export function preparePeople(ctx: {
  config: HallwatchConfig;
  sql: SqlEngine;
  actionLinkKey: Buffer;
  alerts: AlertService;
  parts: PeopleParts | undefined;
  logger: Logger;
}): {
  api: { chains: ChainStore; links: ActionLinks; linkPolicy: LinkPolicy };
  dispatcher: Pick<DispatcherOptions, "personalSenders" | "onDelivered">;
  parts: PeopleParts | undefined;
} {
  const links = new ActionLinks(ctx.actionLinkKey, ctx.sql, ctx.config.actionLinks.ttlHours * 3_600_000);
  return {
    parts: ctx.parts,
    api: {
      chains: new ChainStore(ctx.sql),
      links,
      linkPolicy: new LinkPolicy(ctx.sql, ctx.config.actionLinks.needSignIn),
    },
    dispatcher: {
      ...(ctx.parts ? { personalSenders: ctx.parts.senders } : {}),
      // A personal notice accepted by the person's provider goes on the alert's timeline with its time.
      onDelivered: (item, atMs) => {
        const person = parsePersonTarget(item.channelId);
        if (!person || !item.alertId) return;
        const alertId = item.alertId;
        ctx.alerts
          .recordDelivery(
            alertId,
            { username: person.username, medium: person.medium, action: item.action },
            atMs,
          )
          .catch((err: unknown) =>
            ctx.logger.error({ err, alertId }, "a delivery could not be put on the alert's timeline"),
          );
      },
    },
  };
}

export function startPersonalNotifier(ctx: {
  store: NotifyStore;
  dispatcher: NotificationDispatcher;
  alerts: AlertService;
  /** The alert changes, handed out after the turn that made them (AlertChangeQueue.on). */
  alertChanges: (listener: (change: AlertChange) => void) => () => void;
  /** Synchronous: the node's in-memory user directory. */
  users: Pick<UserDirectory, "get">;
  links: ActionLinks;
  chains: ChainPort;
  linkBaseUrl: string | null;
  parts: PeopleParts | undefined;
  logger: Logger;
  now?: () => number;
}): PersonalNotifier | null {
  if (!ctx.parts) return null;
  const notifier = new PersonalNotifier({
    sql: ctx.store.sql,
    chains: ctx.chains,
    outbox: ctx.store.outbox,
    subscribe: ctx.alertChanges,
    alerts: {
      // The chains follow open alerts only, which the alert service holds in memory: read synchronously.
      get: (id) => {
        const alert = ctx.alerts.held(id);
        return alert ? { alert } : null;
      },
      recordNotice: (id, username, detail) => {
        ctx.alerts
          .recordNotice(id, username, detail)
          .catch((err: unknown) =>
            ctx.logger.error({ err, alertId: id }, "a notice could not be put on the alert's timeline"),
          );
      },
    },
    duty: ctx.parts.duty,
    contacts: ctx.parts.contacts,
    ...(ctx.parts.silences ? { silences: ctx.parts.silences } : {}),
    languageOf: (username) => {
      const user = ctx.users.get(username);
      return user && !user.disabled ? user.language : null;
    },
    links: ctx.links,
    linkBaseUrl: ctx.linkBaseUrl,
    logger: ctx.logger,
    onQueued: () => void ctx.dispatcher.deliverDue(),
    track: (work) => ctx.dispatcher.track(work),
    notBefore: (target, action, nowMs) => ctx.dispatcher.notBefore(target, action, nowMs),
    ...(ctx.now ? { now: ctx.now } : {}),
  });
  notifier.start();
  return notifier;
}
