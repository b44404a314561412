// Publishes births, then telemetry for `halls × devicesPerHall` kiosks, as fast as the broker takes it.
import mqtt from "mqtt";
import { topics } from "../../src/contract/index.js";
import { publishBenchBirths } from "./bench-agents.js";

const [url, hallsArg, devicesArg, messagesArg, qosArg] = process.argv.slice(2);
const halls = Number(hallsArg);
const devicesPerHall = Number(devicesArg);
const messages = Number(messagesArg);
const qos = Number(qosArg) as 0 | 1;

const clients = await Promise.all(
  Array.from({ length: halls }, (_, h) => mqtt.connectAsync(url as string, { clientId: `bench-pub-${h}` })),
);
const values = { appOk: true, printerState: "ok", paperPct: 80, cpuPct: 10, memPct: 30, diskPct: 40 };
const seqs = new Array<number>(halls).fill(0);

await publishBenchBirths(clients, devicesPerHall);
process.stdout.write("births\n");
await new Promise<void>((resolve) => process.stdin.once("data", () => resolve()));

const perClient = Math.ceil(messages / halls);
await Promise.all(
  clients.map(async (c, h) => {
    for (let i = 0; i < perClient; i++) {
      seqs[h] = (seqs[h] ?? 0) + 1;
      const payload = JSON.stringify({ v: 1, session: 1, seq: seqs[h], tsMs: Date.now(), values });
      const p = c.publishAsync(
        topics.telemetry(`hall-${h}`, `agent-${h}`, `kiosk-${i % devicesPerHall}`),
        payload,
        { qos },
      );
      if (i % 200 === 0) await p; // keep a bounded window in flight
    }
  }),
);
process.stdout.write("done\n");
await Promise.all(clients.map((c) => c.endAsync()));
process.exit(0);
