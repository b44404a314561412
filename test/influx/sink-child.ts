// A process that buffers points while InfluxDB is down and then waits to be killed (see sink-crash.test.ts).
// Usage: node --import tsx test/influx/sink-child.ts <influxUrl> <dataDir> <points>
import { InfluxHistory } from "../../src/influx/influx-history.js";
import { silentLogger } from "../../src/logging.js";
import { influxSettings, telemetryPoint } from "./helpers.js";

const [url = "", dataDir = "", count = "0"] = process.argv.slice(2);
const history = new InfluxHistory({
  influx: influxSettings(url, { batchPoints: 1000, flushIntervalMs: 50 }),
  dataDir,
  logger: silentLogger(),
  retry: { initialDelayMs: 50, maxDelayMs: 200 },
});
history.start();
const base = Date.now() - 3_600_000;
for (let i = 0; i < Number(count); i++) history.add(telemetryPoint(i, base));
const timer = setInterval(() => {
  if (history.stats().pointsBuffered === Number(count)) {
    clearInterval(timer);
    process.stdout.write("buffered\n");
    setInterval(() => undefined, 60_000); // stay up until killed
  }
}, 20);
