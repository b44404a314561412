import type { AedesOptions, Client } from "aedes";
import type { Logger } from "../src/logging.js";
import type { CredentialLookup, Principal } from "../src/store/credentials.js";
import { mayPublish, mayPublishOrphanWill, maySubscribe, mayUseWill } from "./access-policy.js";
import { AddressBackoff, FairLimiter } from "./auth-throttle.js";
import { Authenticator } from "./authenticator.js";
import type { RetainedLedger } from "./retained-ledger.js";
import type { BrokerCounters } from "./stats.js";

/** `throttled`: refused without a password check; counted, logged at debug only (an attack is thousands a second). */
type AuthError = Error & { returnCode: number; throttled?: boolean };
type WillSummary = { topic: string; payloadBytes: number };
type Hooks = Required<
  Pick<AedesOptions, "preConnect" | "authenticate" | "authorizePublish" | "authorizeSubscribe">
>;

// CONNACK return codes, MQTT 3.1.1 §3.2.2.3.
const IDENTIFIER_REJECTED = 2;
const SERVER_UNAVAILABLE = 3;
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

function authError(message: string, returnCode: number): AuthError {
  return Object.assign(new Error(message), { returnCode });
}

function throttled(message: string, returnCode: number): AuthError {
  return Object.assign(authError(message, returnCode), { throttled: true });
}

export interface GatekeeperOptions {
  credentials: CredentialLookup;
  logger: Logger;
  maxPayloadBytes: number;
  counters: BrokerCounters;
  /** Which retained publishes are stored (docs/protocol.md §3). */
  retained: RetainedLedger;
  /** Monotonic clock in ms, for the per-address backoff. */
  nowMs: () => number;
  /** Per-address backoff after failed passwords; defaults in DEFAULT_AUTH_BACKOFF. */
  authBackoff?: Partial<AuthBackoffOptions>;
  /** Called once an agent is authenticated, before its CONNACK. */
  onAgentAccepted(client: Client, principal: Principal & { type: "agent" }): void;
}

export interface AuthBackoffOptions {
  /** Failed passwords from one address before it is slowed down. */
  freeFailures: number;
  /** The first block; each further failure doubles it, up to maxBlockMs. */
  baseBlockMs: number;
  maxBlockMs: number;
  /** An address without a failure for this long starts afresh. */
  forgetAfterMs: number;
  /** Addresses remembered at most (bounded memory under an attack from many addresses). */
  maxAddresses: number;
  /** Password checks (scrypt) running at once; the rest wait, taken round-robin by address. */
  maxConcurrentChecks: number;
  /** Connections of one address waiting for a check; more are refused at once. */
  maxWaitingPerAddress: number;
}

export const DEFAULT_AUTH_BACKOFF: AuthBackoffOptions = {
  freeFailures: 5,
  baseBlockMs: 1000,
  maxBlockMs: 60_000,
  forgetAfterMs: 15 * 60_000,
  maxAddresses: 10_000,
  // libuv has 4 threads by default: one stays free for the file system (the InfluxDB buffer, logs) under attack.
  maxConcurrentChecks: 3,
  // Many agents behind one NAT may (re)connect at once after a power cut: they wait their turn. An attacker's
  // queue costs no scrypt once its address is blocked (checks are skipped when their turn comes).
  maxWaitingPerAddress: 1000,
};

/**
 * Aedes' four hooks, denying by default (stock Aedes allows everything): who may connect, and what each
 * principal may publish and subscribe to. Every hook calls its callback exactly once.
 */
export class Gatekeeper {
  private readonly principals = new WeakMap<Client, Principal>();
  private readonly wills = new WeakMap<Client, WillSummary>();
  /** Clients already warned about a retain flag the broker cleared (one log line per connection, not per publish). */
  private readonly warnedRetain = new WeakSet<Client>();
  private readonly authenticator: Authenticator;
  private readonly backoff: AddressBackoff;

  constructor(private readonly options: GatekeeperOptions) {
    const backoff = { ...DEFAULT_AUTH_BACKOFF, ...options.authBackoff };
    this.backoff = new AddressBackoff(backoff);
    this.authenticator = new Authenticator(
      options.credentials,
      new FairLimiter(backoff.maxConcurrentChecks, backoff.maxWaitingPerAddress),
    );
  }

  hooks(): Hooks {
    const { counters, logger: log } = this.options;
    return {
      // Aedes does not pass the will to `authenticate`, so it is noted here from the CONNECT packet.
      preConnect: (client, packet, done) => {
        if (packet.will) {
          this.wills.set(client, {
            topic: packet.will.topic,
            payloadBytes: packet.will.payload?.length ?? 0,
          });
        }
        done(null, true);
      },
      authenticate: (client, username, password, done) => {
        this.authenticate(client, username, password).then(
          (principal) => {
            this.principals.set(client, principal);
            counters.connectionsAccepted += 1;
            if (principal.type === "agent") this.options.onAgentAccepted(client, principal);
            done(null, true);
          },
          (err: Partial<AuthError>) => {
            counters.connectionsRefused += 1;
            const line = { clientId: client.id, username, reason: err.message };
            if (err.throttled) log.debug(line, "connection refused");
            else log.warn(line, "connection refused");
            done(authError(err.message ?? "refused", err.returnCode ?? NOT_AUTHORIZED), false);
          },
        );
      },
      authorizePublish: (client, packet, done) => {
        const refusal = this.checkPublish(client, packet.topic, packet.payload.length);
        if (refusal === null && packet.retain) this.checkRetain(client, packet);
        done(refusal === null ? null : new Error(refusal));
      },
      authorizeSubscribe: (client, subscription, done) => {
        const principal = this.principals.get(client);
        if (principal && maySubscribe(principal, subscription.topic)) return done(null, subscription);
        counters.subscriptionsRefused += 1;
        log.warn({ clientId: client.id, topic: subscription.topic.slice(0, 200) }, "subscription refused");
        done(null, null); // a null subscription is answered with the SUBACK failure code 0x80 [MQTT-3.9.3]
      },
    };
  }

  private async authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<Principal> {
    const { counters, nowMs } = this.options;
    const address = remoteAddressOf(client);
    const blocked = () => this.backoff.blockedForMs(address, nowMs()) > 0;
    // A pair verified before passes without a scrypt even from a blocked address: the agent that is really
    // there keeps working while a neighbour behind the same NAT is guessing.
    if (blocked() && !(await this.authenticator.isKnownGood(username, password))) {
      counters.connectionsThrottled += 1;
      throw throttled("too many failed attempts from this address: try later", NOT_AUTHORIZED);
    }
    const result = await this.authenticator.authenticate(username, password, address, () => !blocked());
    if (!result.ok) {
      if (result.why === "busy" || result.why === "throttled") {
        counters.connectionsThrottled += 1;
        throw throttled(`too many attempts from this address (${result.why}): try later`, SERVER_UNAVAILABLE);
      }
      this.backoff.recordFailure(address, nowMs());
      throw authError(`authentication failed (${result.why})`, BAD_USERNAME_OR_PASSWORD);
    }
    const { principal } = result;
    // With MQTT session takeover [MQTT-3.1.4-2] this keeps one live connection per agent, and no
    // principal can take over (disconnect) another's session.
    if (principal.type === "agent" && client.id !== principal.agentId) {
      throw authError("an agent's client id must be its agent id", IDENTIFIER_REJECTED);
    }
    if (principal.type === "service" && !client.id.startsWith(principal.serviceId)) {
      throw authError("a service's client id must start with its id", IDENTIFIER_REJECTED);
    }
    const will = this.wills.get(client);
    if (will && !mayUseWill(principal, will.topic)) {
      throw authError(`last will on ${will.topic.slice(0, 200)} is not allowed`, NOT_AUTHORIZED);
    }
    if (will && will.payloadBytes > this.options.maxPayloadBytes) {
      throw authError(`last will payload over ${this.options.maxPayloadBytes} bytes`, NOT_AUTHORIZED);
    }
    return principal;
  }

  /**
   * Returns null when the publish is allowed, else why not. Any refusal closes the connection: MQTT 3.1.1
   * has no negative PUBACK [MQTT-3.3.5-2].
   */
  private checkPublish(client: Client | null, topic: string, payloadBytes: number): string | null {
    const { counters, logger: log, maxPayloadBytes } = this.options;
    if (payloadBytes > maxPayloadBytes) {
      counters.oversizedRefused += 1;
      log.warn({ clientId: client?.id, payloadBytes }, "oversized payload refused");
      return `payload of ${payloadBytes} bytes exceeds ${maxPayloadBytes}`;
    }
    if (!this.topicAllowed(client, topic)) {
      counters.publishesRefused += 1;
      log.warn({ clientId: client?.id, topic: topic.slice(0, 200) }, "publish refused by ACL");
      return `not allowed to publish to ${topic.slice(0, 200)}`;
    }
    return null;
  }

  /**
   * A retained publish the broker will not store is still delivered, only with its retain flag cleared: the
   * message is not lost and the agent stays connected (a refusal would close it, and its spool would send
   * the same message again forever). The broker never holds more than the contract's retained topics.
   */
  private checkRetain(
    client: Client | null,
    packet: { topic: string; payload: { length: number }; retain: boolean },
  ): void {
    const decision = this.options.retained.decide(packet.topic, packet.payload.length);
    if (decision === "retain") return;
    packet.retain = false;
    this.options.counters.retainRefused += 1;
    if (client && this.warnedRetain.has(client)) return;
    if (client) this.warnedRetain.add(client);
    this.options.logger.warn(
      { clientId: client?.id, topic: packet.topic.slice(0, 200), reason: decision },
      "retained publish delivered without the retain flag",
    );
  }

  private topicAllowed(client: Client | null, topic: string): boolean {
    // client is null for a will Aedes publishes on behalf of a session that is gone.
    if (client === null) return mayPublishOrphanWill(topic);
    const principal = this.principals.get(client);
    return principal !== undefined && mayPublish(principal, topic);
  }
}

/** The peer address the connection came from (TCP or WebSocket); "" when unknown. */
function remoteAddressOf(client: Client): string {
  const conn = client.conn as { remoteAddress?: string } | undefined;
  return conn?.remoteAddress ?? "";
}
