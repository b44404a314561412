// The bare MQTT.js subscriber: the same subscription as the aggregator, counting telemetry and nothing else.
// Its rate is the ceiling for one Node process on this broker and this stream.
import mqtt from "mqtt";
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
