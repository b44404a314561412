import { createServer, type Server, type Socket } from "node:net";
import { Aedes, type Client } from "aedes";
import { createWebSocketStream, WebSocketServer } from "ws";
import { MAX_PAYLOAD_BYTES } from "../src/contract/index.js";
import type { Logger } from "../src/logging.js";
import type { CredentialLookup, Principal } from "../src/store/credentials.js";
import { mayPublish, maySubscribe, mayUseWill } from "./access-policy.js";
import { Authenticator } from "./authenticator.js";
import { GuardedSocket } from "./guarded-socket.js";
import { TokenBucket } from "./rate-limiter.js";

export interface BrokerOptions {
  host: string;
  /** 0 picks a free port. */
  mqttPort: number;
  /** MQTT over WebSocket; null disables it. */
  wsPort: number | null;
  credentials: CredentialLookup;
  logger: Logger;
  maxPayloadBytes?: number;
  publishRatePerSec?: number;
  publishBurst?: number;
}

export interface BrokerStats {
  clients: number;
  connectionsAccepted: number;
  connectionsRefused: number;
  publishesRefused: number;
  subscriptionsRefused: number;
  oversizedRefused: number;
  throttleEvents: number;
}

type AuthError = Error & { returnCode: number };
const BAD_CREDENTIALS = 4;
const IDENTIFIER_REJECTED = 2;
const NOT_AUTHORIZED = 5;
/** Room for the topic and headers on top of the payload limit. */
const PACKET_OVERHEAD_BYTES = 1024;

function authError(message: string, returnCode: number): AuthError {
  return Object.assign(new Error(message), { returnCode });
}

/**
 * The embedded MQTT broker: Aedes with deny-by-default authentication and authorisation, a packet-size
 * guard ahead of the parser, and a per-client publish rate enforced by pausing the client's socket.
 */
export class HallwatchBroker {
  private aedes: Aedes | null = null;
  private tcpServer: Server | null = null;
  private wsServer: WebSocketServer | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly principals = new WeakMap<Client, Principal>();
  private readonly wills = new WeakMap<Client, string>();
  private readonly buckets = new WeakMap<Client, TokenBucket>();
  private readonly throttlers = new WeakMap<object, (ms: number) => void>();
  private readonly authenticator: Authenticator;
  private readonly counters: Omit<BrokerStats, "clients"> = {
    connectionsAccepted: 0,
    connectionsRefused: 0,
    publishesRefused: 0,
    subscriptionsRefused: 0,
    oversizedRefused: 0,
    throttleEvents: 0,
  };

  constructor(private readonly options: BrokerOptions) {
    this.authenticator = new Authenticator(options.credentials);
  }

  private get maxPayloadBytes(): number {
    return this.options.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;
  }

  stats(): BrokerStats {
    return { clients: this.aedes?.connectedClients ?? 0, ...this.counters };
  }

  async start(): Promise<{ mqttPort: number; wsPort: number | null }> {
    const log = this.options.logger;
    const aedes = await Aedes.createBroker({
      maxClientsIdLength: 128,
      preConnect: (client, packet, done) => {
        if (packet.will?.topic) this.wills.set(client, packet.will.topic);
        done(null, true);
      },
      authenticate: (client, username, password, done) => {
        this.authenticate(client, username, password).then(
          (principal) => {
            this.principals.set(client, principal);
            this.counters.connectionsAccepted += 1;
            done(null, true);
          },
          (err: AuthError) => {
            this.counters.connectionsRefused += 1;
            log.warn({ clientId: client.id, username, reason: err.message }, "connection refused");
            done(err, false);
          },
        );
      },
      authorizePublish: (client, packet, done) => {
        if (client === null) return done(null); // a will of a session already gone; checked at its CONNECT
        const principal = this.principals.get(client);
        if (!principal || !mayPublish(principal, packet.topic)) {
          this.counters.publishesRefused += 1;
          log.warn({ clientId: client.id, topic: packet.topic.slice(0, 200) }, "publish refused by ACL");
          return done(new Error(`not allowed to publish to ${packet.topic}`));
        }
        if (packet.payload.length > this.maxPayloadBytes) {
          this.counters.oversizedRefused += 1;
          return done(new Error(`payload of ${packet.payload.length} bytes exceeds ${this.maxPayloadBytes}`));
        }
        this.rateLimit(client);
        done(null);
      },
      authorizeSubscribe: (client, subscription, done) => {
        const principal = this.principals.get(client);
        if (principal && maySubscribe(principal, subscription.topic)) return done(null, subscription);
        this.counters.subscriptionsRefused += 1;
        log.warn({ clientId: client.id, topic: subscription.topic.slice(0, 200) }, "subscription refused");
        done(null, null); // SUBACK 0x80 [MQTT-3.9.3]
      },
    });
    this.aedes = aedes;
    aedes.on("clientError", (client, err) =>
      log.debug({ clientId: client.id, err: err.message }, "client error"),
    );

    const maxPacketBytes = this.maxPayloadBytes + PACKET_OVERHEAD_BYTES;
    this.tcpServer = createServer((socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      const guarded = new GuardedSocket(socket, maxPacketBytes, (announced) => {
        this.counters.oversizedRefused += 1;
        log.warn(
          { remote: socket.remoteAddress, announcedBytes: announced },
          "oversized packet: connection closed",
        );
      });
      this.throttlers.set(guarded, (ms) => guarded.throttle(ms));
      aedes.handle(guarded);
    });
    const mqttPort = await listen(this.tcpServer, this.options.host, this.options.mqttPort);

    let wsPort: number | null = null;
    if (this.options.wsPort !== null) {
      const ws = new WebSocketServer({
        host: this.options.host,
        port: this.options.wsPort,
        maxPayload: maxPacketBytes,
      });
      this.wsServer = ws;
      await new Promise<void>((resolve, reject) => {
        ws.once("listening", resolve);
        ws.once("error", reject);
      });
      wsPort = (ws.address() as { port: number }).port;
      ws.on("connection", (socket, request) => {
        const stream = createWebSocketStream(socket);
        stream.on("error", () => socket.terminate());
        const raw = (socket as unknown as { _socket: Socket })._socket;
        this.throttlers.set(stream, (ms) => {
          raw.pause();
          setTimeout(() => raw.resume(), ms).unref();
        });
        aedes.handle(stream, request);
      });
    }
    log.info({ host: this.options.host, mqttPort, wsPort }, "MQTT broker listening");
    return { mqttPort, wsPort };
  }

  async stop(): Promise<void> {
    const ws = this.wsServer;
    this.wsServer = null;
    if (ws) {
      for (const client of ws.clients) client.terminate();
      await new Promise<void>((resolve) => ws.close(() => resolve()));
    }
    const tcp = this.tcpServer;
    this.tcpServer = null;
    if (tcp) {
      for (const socket of this.sockets) socket.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    }
    const aedes = this.aedes;
    this.aedes = null;
    if (aedes) await new Promise<void>((resolve) => aedes.close(() => resolve()));
  }

  private async authenticate(client: Client, username: string | undefined, password: Buffer | undefined) {
    const result = await this.authenticator.authenticate(username, password);
    if (!result.ok) throw authError(`authentication failed (${result.why})`, BAD_CREDENTIALS);
    const { principal } = result;
    if (principal.type === "agent" && client.id !== principal.agentId) {
      throw authError("an agent's client id must be its agent id", IDENTIFIER_REJECTED);
    }
    if (principal.type === "service" && !client.id.startsWith(principal.serviceId)) {
      throw authError("a service's client id must start with its id", IDENTIFIER_REJECTED);
    }
    const willTopic = this.wills.get(client);
    if (willTopic !== undefined && !mayUseWill(principal, willTopic)) {
      throw authError(`last will on ${willTopic} is not allowed`, NOT_AUTHORIZED);
    }
    return principal;
  }

  private rateLimit(client: Client): void {
    const principal = this.principals.get(client);
    if (principal?.type === "service") return;
    const nowMs = Date.now();
    let bucket = this.buckets.get(client);
    if (!bucket) {
      bucket = new TokenBucket(
        this.options.publishRatePerSec ?? 200,
        this.options.publishBurst ?? 400,
        nowMs,
      );
      this.buckets.set(client, bucket);
    }
    const waitMs = bucket.take(nowMs);
    if (waitMs > 0) {
      this.counters.throttleEvents += 1;
      this.throttlers.get(client.conn as object)?.(waitMs);
    }
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
