// The bare MQTT.js subscriber: the same subscription as the aggregator, counting telemetry and nothing else.
// Its rate is the ceiling for one Node process on this broker and this stream.
import mqtt from "mqtt";
import { coalesceWritesPerRead } from "../../src/aggregator/write-coalescing.js";
import { ConsumerWindow, settledMemory } from "./consumer-window.js";
import { serveParent, tellParent } from "./ipc.js";
import { BENCH_PASSWORD } from "./load-scenario.js";

const [url = "", qosArg = "1"] = process.argv.slice(2);
const window = new ConsumerWindow();
const client = await mqtt.connectAsync(url, {
  clientId: "_bare-bench",
  username: "_bare",
  password: BENCH_PASSWORD,
  clean: true,
  reconnectPeriod: 0,
});
// The same connection tuning as the aggregator (its PUBACKs of one read leave in one write), so that the ratio
// measures the aggregator's processing, not a socket setting. BENCH_BARE_STOCK=1 runs stock MQTT.js instead.
if (!process.env.BENCH_BARE_STOCK) coalesceWritesPerRead(client.stream);
client.on("message", (topic) => {
  if (topic.includes("/telemetry/")) window.hit();
});
await client.subscribeAsync("hallwatch/#", { qos: Number(qosArg) as 0 | 1 });
serveParent({
  window: () => {
    window.reset();
    tellParent({ type: "window" });
  },
  stats: () => tellParent({ type: "stats", ...window.snapshot() }),
  memory: () => tellParent({ type: "memory", ...settledMemory() }),
  stop: async () => {
    await client.endAsync();
    process.exit(0);
  },
});
tellParent({ type: "ready" });
