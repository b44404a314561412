import type { IncomingMessage } from "node:http";
import { createServer, type Server } from "node:net";
import type { Duplex } from "node:stream";
import { Aedes, type Client } from "aedes";
import { createWebSocketStream, WebSocketServer } from "ws";
import { MAX_PAYLOAD_BYTES } from "../src/contract/index.js";
import type { Logger } from "../src/logging.js";
import type { CredentialLookup, Principal } from "../src/store/credentials.js";
import { useFifoQueues } from "./emitter-tuning.js";
import { type AuthBackoffOptions, Gatekeeper } from "./gatekeeper.js";
import { GuardedStream } from "./guarded-stream.js";
import { IndexedMemoryPersistence } from "./indexed-persistence.js";
import { TokenBucket } from "./rate-limiter.js";
import { RetainedLedger } from "./retained-ledger.js";
import { type BrokerCounters, type BrokerStats, zeroCounters } from "./stats.js";

export type { BrokerStats } from "./stats.js";

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
  /**
   * Most retained payload bytes one agent may hold (its status and birth together); default the payload limit
   * plus 4 KiB, room for the largest birth and a status.
   */
  maxRetainedBytesPerAgent?: number;
  /** Sustained publishes per second per agent connection; default 200. */
  publishRatePerSec?: number;
  /** Publishes an agent may send at once before it is slowed down; default 400. */
  publishBurst?: number;
  /** An agent held back by the rate limit without a break for this long is disconnected; default 10 s. */
  maxThrottleMs?: number;
  /**
   * How often live agent connections are checked against the credential store, so that revoking an agent
   * or rotating its secret (even from another process, such as the CLI) ends its connection; default 30 s,
   * 0 turns it off.
   */
  recheckCredentialsMs?: number;
  /** Per-address backoff after failed passwords and the bound on concurrent password checks. */
  authBackoff?: Partial<AuthBackoffOptions>;
  /** Monotonic clock in ms for the rate limiter and the auth backoff; injectable for tests. */
  nowMs?: () => number;
}

/** Room for the fixed header, topic and packet id on top of the payload limit. */
const PACKET_OVERHEAD_BYTES = 1024;

/**
 * The embedded MQTT broker: Aedes behind a deny-by-default Gatekeeper (authentication and topic ACLs),
 * with a GuardedStream on every connection that enforces the packet size before parsing and the per-agent
 * publish rate by not reading from the agent's transport (TCP backpressure). Owns the TCP and WebSocket
 * listeners; stop() closes them, every client connection and Aedes.
 */
export class HallwatchBroker {
  private aedes: Aedes | null = null;
  private tcpServer: Server | null = null;
  private wsServer: WebSocketServer | null = null;
  private readonly streams = new Set<GuardedStream>();
  /** Live agent connections and the secret hash each was accepted with. */
  private readonly agents = new Map<Client, Principal & { type: "agent" }>();
  private recheckTimer: NodeJS.Timeout | null = null;
  private counters: BrokerCounters = zeroCounters();
  private retained = new RetainedLedger(0);

  constructor(private readonly options: BrokerOptions) {}

  private get maxPayloadBytes(): number {
    return this.options.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;
  }

  private get log(): Logger {
    return this.options.logger;
  }

  stats(): BrokerStats {
    return { clients: this.aedes?.connectedClients ?? 0, ...this.counters, ...this.retained.stats() };
  }

  async start(): Promise<{ mqttPort: number; wsPort: number | null }> {
    if (this.aedes) throw new Error("broker already started");
    this.counters = zeroCounters();
    this.retained = new RetainedLedger(this.options.maxRetainedBytesPerAgent ?? this.maxPayloadBytes + 4096);
    const host = this.options.host ?? "0.0.0.0";
    const gatekeeper = new Gatekeeper({
      credentials: this.options.credentials,
      logger: this.log,
      maxPayloadBytes: this.maxPayloadBytes,
      counters: this.counters,
      retained: this.retained,
      nowMs: this.options.nowMs ?? (() => performance.now()),
      ...(this.options.authBackoff ? { authBackoff: this.options.authBackoff } : {}),
      onAgentAccepted: (client, principal) => {
        this.agents.set(client, principal);
        client.conn.once("close", () => this.agents.delete(client));
        this.limitPublishes(client);
      },
    });
    const aedes = await Aedes.createBroker({
      maxClientsIdLength: 128,
      persistence: new IndexedMemoryPersistence(),
      ...gatekeeper.hooks(),
    });
    useFifoQueues(aedes);
    this.aedes = aedes;
    aedes.on("clientError", (client, err) =>
      this.log.debug({ clientId: client.id, err: err.message }, "client error"),
    );
    aedes.on("connectionError", (_client, err) => this.log.debug({ err: err.message }, "connection error"));

    try {
      // No Nagle: MQTT packets are small and each is written whole (see GuardedStream._writev), so holding one
      // back for the peer's ACK only adds latency to alerts and commands.
      this.tcpServer = createServer({ noDelay: true }, (socket) => this.handle(socket, socket.remoteAddress));
      const mqttPort = await listen(this.tcpServer, host, this.options.mqttPort);
      const wsPort = await this.startWebSocket(host);
      const recheckMs = this.options.recheckCredentialsMs ?? 30_000;
      if (recheckMs > 0) {
        this.recheckTimer = setInterval(() => void this.recheckCredentials(), recheckMs);
        this.recheckTimer.unref();
      }
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
    if (this.recheckTimer) clearInterval(this.recheckTimer);
    this.recheckTimer = null;
    this.agents.clear();
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

  /**
   * Ends the connection of every agent that has been revoked or given a new secret since it connected.
   * Runs on a timer (for changes made by another process) and at once when the admin API changes a credential.
   */
  async recheckCredentials(): Promise<void> {
    // Never rejects: it runs from a timer and from the admin API without anyone awaiting an error.
    for (const [client, accepted] of [...this.agents]) {
      let current: Principal | null;
      try {
        current = await this.options.credentials.findPrincipal(accepted.agentId);
      } catch (err) {
        this.log.error({ err }, "credential recheck failed");
        return;
      }
      if (current?.secretHash === accepted.secretHash || this.agents.get(client) !== accepted) continue;
      this.agents.delete(client);
      this.counters.credentialDisconnects += 1;
      this.log.warn({ clientId: client.id }, "agent revoked or its secret rotated: connection closed");
      client.conn.destroy();
    }
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
