// One load generator process: plays the agents of a slice of halls, each on its own MQTT connection.
// Driven over IPC by bench/load.ts: "start" (connect + births), "burst" (N messages as fast as the broker
// acknowledges them, a bounded window in flight), "rate" (a steady rate for a while), "stop".
import mqtt, { type MqttClient } from "mqtt";
import { seededRandom } from "../../agents/drivers/sim/random.js";
import { type IpcMessage, serveParent, tellParent } from "./ipc.js";
import { BENCH_PASSWORD, buildValuePools, HallStream } from "./load-scenario.js";

interface StartRequest {
  url: string;
  firstHall: number;
  hallCount: number;
  faultShare: number;
  seed: number;
  qos: 0 | 1;
  /** Messages in flight (published, not yet acknowledged) across all of this process's connections. */
  window: number;
}

let options: StartRequest;
let halls: HallStream[] = [];
let clients: MqttClient[] = [];
let turn = 0;
/** The steady rate's timer, cleared by "stop" so that nothing publishes on a closing connection. */
let rateTimer: NodeJS.Timeout | null = null;
/** Ends the steady rate now ("rate_stop"): it reports what it sent as if its duration were over. */
let endRate: (() => void) | null = null;

async function start(o: StartRequest): Promise<void> {
  options = o;
  const pools = buildValuePools();
  const random = seededRandom(o.seed);
  halls = Array.from(
    { length: o.hallCount },
    (_, i) => new HallStream(o.firstHall + i, pools, o.faultShare, random),
  );
  clients = new Array(halls.length);
  // Connect in batches: thousands of simultaneous CONNECTs only queue up in the broker anyway.
  for (let i = 0; i < halls.length; i += 100) {
    await Promise.all(
      halls.slice(i, i + 100).map(async (hall, j) => {
        const client = await mqtt.connectAsync(o.url, {
          clientId: hall.agentId,
          username: hall.agentId,
          password: BENCH_PASSWORD,
          reconnectPeriod: 0,
          keepalive: 120,
        });
        clients[i + j] = client;
        const birth = hall.birth();
        await client.publishAsync(birth.topic, birth.payload, { qos: 1, retain: true });
      }),
    );
  }
  tellParent({ type: "ready", halls: halls.length });
}

function nextHall(): number {
  const h = turn;
  turn = (turn + 1) % halls.length;
  return h;
}

/**
 * A hall's messages of one pump leave in one write: the generators share the two cores with the broker and the
 * consumer under test, so they must not spend a syscall per message (a real agent sends a few a minute).
 */
function publishCorked(
  h: number,
  m: { topic: string; payload: string },
  corked: Set<MqttClient>,
  onAck?: (err?: Error) => void,
): void {
  const client = clients[h] as MqttClient;
  if (!corked.has(client)) {
    corked.add(client);
    client.stream.cork();
  }
  client.publish(m.topic, m.payload, { qos: options.qos }, onAck);
}

function uncorkAll(corked: Set<MqttClient>): void {
  for (const client of corked) client.stream.uncork();
}

/** Publishes `count` messages round-robin over the halls, keeping at most `window` unacknowledged. */
function burst(count: number): Promise<{ sent: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let sent = 0;
    let acked = 0;
    let scheduled = false;
    const onAck = (err?: Error) => {
      if (err) {
        reject(err);
        return;
      }
      acked += 1;
      if (acked === count) resolve({ sent, ms: performance.now() - started });
      else schedule();
    };
    const pump = () => {
      scheduled = false;
      const nowMs = Date.now();
      const corked = new Set<MqttClient>();
      while (sent < count && sent - acked < options.window) {
        const h = nextHall();
        const m = (halls[h] as HallStream).nextTelemetry(nowMs);
        sent += 1;
        publishCorked(h, m, corked, onAck);
      }
      uncorkAll(corked);
    };
    const schedule = () => {
      if (scheduled || sent >= count) return;
      scheduled = true;
      setImmediate(pump);
    };
    if (count === 0) resolve({ sent: 0, ms: 0 });
    else pump();
  });
}

/** Publishes `perSec` messages a second, spread over 5 ms ticks, for `durationMs`. */
function rate(perSec: number, durationMs: number): Promise<{ sent: number; ms: number }> {
  const started = performance.now();
  let sent = 0;
  return new Promise((resolve) => {
    const finish = () => {
      clearInterval(timer);
      endRate = null;
      resolve({ sent, ms: performance.now() - started });
    };
    const timer = setInterval(() => {
      const elapsed = performance.now() - started;
      const due =
        Math.min(Math.floor((Math.min(elapsed, durationMs) / 1000) * perSec), Number.MAX_SAFE_INTEGER) - sent;
      const nowMs = Date.now();
      const corked = new Set<MqttClient>();
      for (let i = 0; i < due; i++) {
        const h = nextHall();
        publishCorked(h, (halls[h] as HallStream).nextTelemetry(nowMs), corked);
        sent += 1;
      }
      uncorkAll(corked);
      if (elapsed >= durationMs) finish();
    }, 5);
    rateTimer = timer;
    endRate = finish;
  });
}

const faults = () => halls.reduce((n, h) => n + h.faults, 0);

serveParent({
  start: (m) => start(m as unknown as StartRequest),
  burst: async (m: IpcMessage) => {
    const r = await burst(Number(m.count));
    tellParent({ type: "burst_done", ...r, faults: faults() });
  },
  rate: async (m: IpcMessage) => {
    const r = await rate(Number(m.perSec), Number(m.durationMs));
    tellParent({ type: "rate_done", ...r, faults: faults() });
  },
  rate_stop: () => endRate?.(),
  stop: async () => {
    if (rateTimer) clearInterval(rateTimer);
    await Promise.all(clients.map((c) => c?.endAsync().catch(() => undefined)));
    process.exit(0);
  },
});
tellParent({ type: "spawned" });
