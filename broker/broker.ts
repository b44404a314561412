import type { IncomingMessage } from "node:http";
import { createServer, type Server } from "node:net";
import type { Duplex } from "node:stream";
import { Aedes, type Client } from "aedes";
import { createWebSocketStream, WebSocketServer } from "ws";
import { MAX_PAYLOAD_BYTES } from "../src/contract/index.js";
import type { Logger } from "../src/logging.js";
import type { CredentialLookup, Principal } from "../src/store/credentials.js";
import { mayPublish, mayPublishOrphanWill, maySubscribe, mayUseWill } from "./access-policy.js";
import { Authenticator } from "./authenticator.js";
import { GuardedStream } from "./guarded-stream.js";
import { TokenBucket } from "./rate-limiter.js";

export interface BrokerOptions {
  /** Listen address of both listeners; default "0.0.0.0". */
  host?: string;
  /** 0 picks a free port. */
  mqttPort: number;
  /** MQTT over WebSocket; null or absent disables it, 0 picks a free port. */
  wsPort?: number | null;
  credentials: CredentialLookup;
  logger: Logger;
  /** Largest PUBLISH payload (and last-will payload) accepted; default 64 KiB. */
  maxPayloadBytes?: number;
  /** Sustained publishes per second per agent connection; default 200. */
  publishRatePerSec?: number;
  /** Publishes an agent may send at once before it is slowed down; default 400. */
  publishBurst?: number;
  /** An agent that has been held back by the rate limit without a break for this long is disconnected; default 10 s. */
  maxThrottleMs?: number;
  /** Monotonic clock in ms for the rate limiter; injectable for tests. */
  nowMs?: () => number;
}

/** Counters since start (plus the current client count), read by the Prometheus exporter. */
export type BrokerStats = {
  clients: number;
  connectionsAccepted: number;
  connectionsRefused: number;
  publishesRefused: number;
  subscriptionsRefused: number;
  oversizedRefused: number;
  throttleEvents: number;
  floodDisconnects: number;
};

type Counters = Omit<BrokerStats, "clients">;
type AuthError = Error & { returnCode: number };
type WillSummary = { topic: string; payloadBytes: number };

// CONNACK return codes, MQTT 3.1.1 §3.2.2.3.
const IDENTIFIER_REJECTED = 2;
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;
/** Room for the fixed header, topic and packet id on top of the payload limit. */
const PACKET_OVERHEAD_BYTES = 1024;

function authError(message: string, returnCode: number): AuthError {
  return Object.assign(new Error(message), { returnCode });
}

/**
 * The embedded MQTT broker: Aedes with deny-by-default authentication and authorisation, a packet-size
 * guard ahead of the parser, and a per-agent publish rate enforced by not reading from the agent's transport (TCP backpressure).
 */
export class HallwatchBroker {
  private aedes: Aedes | null = null;
  private tcpServer: Server | null = null;
  private wsServer: WebSocketServer | null = null;
  private readonly streams = new Set<GuardedStream>();
  private readonly principals = new WeakMap<Client, Principal>();
  private readonly wills = new WeakMap<Client, WillSummary>();
  private readonly authenticator: Authenticator;
  private counters: Counters = HallwatchBroker.zeroCounters();

  constructor(private readonly options: BrokerOptions) {
    this.authenticator = new Authenticator(options.credentials);
  }

  private static zeroCounters(): Counters {
    return {
      connectionsAccepted: 0,
      connectionsRefused: 0,
      publishesRefused: 0,
      subscriptionsRefused: 0,
      oversizedRefused: 0,
      throttleEvents: 0,
      floodDisconnects: 0,
    };
  }

  private get maxPayloadBytes(): number {
    return this.options.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;
  }

  private get log(): Logger {
    return this.options.logger;
  }

  stats(): BrokerStats {
    return { clients: this.aedes?.connectedClients ?? 0, ...this.counters };
  }

  async start(): Promise<{ mqttPort: number; wsPort: number | null }> {
    if (this.aedes) throw new Error("broker already started");
    this.counters = HallwatchBroker.zeroCounters();
    const host = this.options.host ?? "0.0.0.0";
    const aedes = await Aedes.createBroker({
      maxClientsIdLength: 128,
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
            if (principal.type === "agent") this.limitPublishes(client);
            this.counters.connectionsAccepted += 1;
            done(null, true);
          },
          (err: Partial<AuthError>) => {
            this.counters.connectionsRefused += 1;
            this.log.warn({ clientId: client.id, username, reason: err.message }, "connection refused");
            done(authError(err.message ?? "refused", err.returnCode ?? NOT_AUTHORIZED), false);
          },
        );
      },
      authorizePublish: (client, packet, done) => {
        const refusal = this.checkPublish(client, packet.topic, packet.payload.length);
        done(refusal === null ? null : new Error(refusal));
      },
      authorizeSubscribe: (client, subscription, done) => {
        const principal = this.principals.get(client);
        if (principal && maySubscribe(principal, subscription.topic)) return done(null, subscription);
        this.counters.subscriptionsRefused += 1;
        this.log.warn(
          { clientId: client.id, topic: subscription.topic.slice(0, 200) },
          "subscription refused",
        );
        done(null, null); // a null subscription is answered with the SUBACK failure code 0x80 [MQTT-3.9.3]
      },
    });
    this.aedes = aedes;
    aedes.on("clientError", (client, err) =>
      this.log.debug({ clientId: client.id, err: err.message }, "client error"),
    );
    aedes.on("connectionError", (_client, err) => this.log.debug({ err: err.message }, "connection error"));

    try {
      this.tcpServer = createServer((socket) => this.handle(socket, socket.remoteAddress));
      const mqttPort = await listen(this.tcpServer, host, this.options.mqttPort);
      const wsPort = await this.startWebSocket(host);
      this.log.info({ host, mqttPort, wsPort }, "MQTT broker listening");
      return { mqttPort, wsPort };
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Closes both listeners and every client connection, then Aedes. Safe to call twice. */
  async stop(): Promise<void> {
    const { wsServer, tcpServer, aedes } = this;
    this.wsServer = null;
    this.tcpServer = null;
    this.aedes = null;
    for (const stream of this.streams) stream.destroy();
    this.streams.clear();
    if (wsServer) {
      for (const ws of wsServer.clients) ws.terminate();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    }
    if (tcpServer?.listening) await new Promise<void>((resolve) => tcpServer.close(() => resolve()));
    if (aedes) await new Promise<void>((resolve) => aedes.close(() => resolve()));
  }

  private async startWebSocket(host: string): Promise<number | null> {
    if (this.options.wsPort === null || this.options.wsPort === undefined) return null;
    const wss = new WebSocketServer({
      host,
      port: this.options.wsPort,
      maxPayload: this.maxPayloadBytes + PACKET_OVERHEAD_BYTES,
    });
    this.wsServer = wss;
    await new Promise<void>((resolve, reject) => {
      wss.once("listening", resolve);
      wss.once("error", reject);
    });
    wss.on("connection", (ws, request) => {
      this.handle(createWebSocketStream(ws), request.socket.remoteAddress, request);
    });
    return (wss.address() as { port: number }).port;
  }

  private handle(transport: Duplex, remoteAddress: string | undefined, request?: IncomingMessage): void {
    const aedes = this.aedes;
    if (!aedes) {
      transport.destroy();
      return;
    }
    const stream = new GuardedStream(
      transport,
      this.maxPayloadBytes + PACKET_OVERHEAD_BYTES,
      (announcedBytes) => {
        this.counters.oversizedRefused += 1;
        this.log.warn({ remoteAddress, announcedBytes }, "oversized packet: connection closed");
      },
      remoteAddress,
    );
    this.streams.add(stream);
    stream.on("close", () => this.streams.delete(stream));
    aedes.handle(stream, request);
  }

  private async authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<Principal> {
    const result = await this.authenticator.authenticate(username, password);
    if (!result.ok) throw authError(`authentication failed (${result.why})`, BAD_USERNAME_OR_PASSWORD);
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
    if (will && will.payloadBytes > this.maxPayloadBytes) {
      throw authError(`last will payload over ${this.maxPayloadBytes} bytes`, NOT_AUTHORIZED);
    }
    return principal;
  }

  /**
   * Returns null when the publish is allowed, else why not. Any refusal closes the connection: MQTT 3.1.1
   * has no negative PUBACK [MQTT-3.3.5-2]. Synchronous, so Aedes' callback is called exactly once.
   */
  private checkPublish(client: Client | null, topic: string, payloadBytes: number): string | null {
    if (payloadBytes > this.maxPayloadBytes) {
      this.counters.oversizedRefused += 1;
      this.log.warn({ clientId: client?.id, payloadBytes }, "oversized payload refused");
      return `payload of ${payloadBytes} bytes exceeds ${this.maxPayloadBytes}`;
    }
    const allowed = this.topicAllowed(client, topic);
    if (!allowed) {
      this.counters.publishesRefused += 1;
      this.log.warn({ clientId: client?.id, topic: topic.slice(0, 200) }, "publish refused by ACL");
      return `not allowed to publish to ${topic.slice(0, 200)}`;
    }
    return null;
  }

  private topicAllowed(client: Client | null, topic: string): boolean {
    // client is null for a will Aedes publishes on behalf of a session that is gone.
    if (client === null) return mayPublishOrphanWill(topic);
    const principal = this.principals.get(client);
    return principal !== undefined && mayPublish(principal, topic);
  }

  /**
   * A token bucket per agent connection, enforced on its transport before parsing (see GuardedStream).
   * Services are not limited: the aggregator is trusted and publishes little.
   */
  private limitPublishes(client: Client): void {
    if (!(client.conn instanceof GuardedStream)) return;
    const nowMs = this.options.nowMs ?? (() => performance.now());
    client.conn.limitPublishes({
      bucket: new TokenBucket(
        this.options.publishRatePerSec ?? 200,
        this.options.publishBurst ?? 400,
        nowMs(),
      ),
      nowMs,
      maxThrottleMs: this.options.maxThrottleMs ?? 10_000,
      onThrottle: () => {
        this.counters.throttleEvents += 1;
      },
      onCut: () => {
        this.counters.floodDisconnects += 1;
        this.log.warn({ clientId: client.id }, "publishing over the rate limit for too long: disconnected");
      },
    });
  }
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}
