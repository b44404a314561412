// Background telemetry: births, then `rate` messages/s for `halls × devices` kiosks until stdin closes.
import mqtt from "mqtt";
import { topics } from "../../src/contract/index.js";
import { publishBenchBirths } from "./bench-agents.js";

const [url, hallsArg, devicesArg, rateArg] = process.argv.slice(2);
const halls = Number(hallsArg);
const devicesPerHall = Number(devicesArg);
const ratePerSec = Number(rateArg);

const clients = await Promise.all(
  Array.from({ length: halls }, (_, h) => mqtt.connectAsync(url as string, { clientId: `load-${h}` })),
);
await publishBenchBirths(clients, devicesPerHall);
process.stdout.write("ready\n");
const values = { appOk: true, printerState: "ok", paperPct: 80, cpuPct: 10, memPct: 30, diskPct: 40 };
const seqs = new Array<number>(halls).fill(0);
let sent = 0;
const started = Date.now();
const timer = setInterval(() => {
  const due = Math.floor(((Date.now() - started) / 1000) * ratePerSec) - sent;
  for (let i = 0; i < due; i++) {
    const h = sent % halls;
    seqs[h] = (seqs[h] ?? 0) + 1;
    const d = Math.floor(sent / halls) % devicesPerHall;
    clients[h]?.publish(
      topics.telemetry(`hall-${h}`, `agent-${h}`, `kiosk-${d}`),
      JSON.stringify({ v: 1, session: 1, seq: seqs[h], tsMs: Date.now(), values }),
      { qos: 1 },
    );
    sent += 1;
  }
}, 5);
process.stdin.on("end", async () => {
  clearInterval(timer);
  process.stdout.write(`${JSON.stringify({ sent })}\n`);
  await Promise.all(clients.map((c) => c.endAsync()));
  process.exit(0);
});
process.stdin.resume();
