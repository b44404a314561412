import { useState } from "preact/hooks";
import { Async, useApi } from "../components/use-api.js";
import { CHART_TEXT } from "../i18n/charts.js";
import { codeLabel } from "../i18n/codes.js";
import { DEVICE_TEXT } from "../i18n/device.js";
import { useSession } from "../session.js";
import type { Point } from "./summary.js";
import { TimeChart } from "./time-chart.js";

const DAY_MS = 86_400_000;

/** The fields charted on a device page, by kind (the rest of its numbers are in the values table). */
const CHARTED: Record<string, string[]> = {
  queue: ["waitingTotal", "longestWaitSec"],
  charger: ["enclosureTempC", "totalPowerW"],
  extinguisher: ["pressureMpa"],
  hydrant: ["pressureMpa"],
  kiosk: ["paperPct", "cpuPct"],
  gateway: ["latencyMs", "packetLossPct"],
  tv: ["playerHeartbeatAgeSec"],
};

interface Series {
  field: string;
  unit: string | null;
  points: Point[];
  greenZone?: { min: number; max: number | null } | null;
}

/** The device's telemetry of the last 24 hours, one uPlot chart per charted field. */
export function DeviceCharts({ hallId, deviceId, kind }: { hallId: string; deviceId: string; kind: string }) {
  const { lang } = useSession();
  const [toMs] = useState(() => Date.now());
  const fields = CHARTED[kind] ?? [];
  if (fields.length === 0) return null;
  return (
    <section class="device-charts">
      <h2>{DEVICE_TEXT[lang].charts}</h2>
      {fields.map((field) => (
        <FieldChart key={field} hallId={hallId} deviceId={deviceId} field={field} toMs={toMs} />
      ))}
    </section>
  );
}

function FieldChart({
  hallId,
  deviceId,
  field,
  toMs,
}: {
  hallId: string;
  deviceId: string;
  field: string;
  toMs: number;
}) {
  const { lang } = useSession();
  const series = useApi<Series>(
    `/api/devices/${encodeURIComponent(hallId)}/${encodeURIComponent(deviceId)}/series?field=${field}&fromMs=${toMs - DAY_MS}&toMs=${toMs}`,
  );
  const label = codeLabel(lang, "field", field);
  return (
    <Async state={series}>
      {(s) => {
        const zone = s.greenZone;
        const band = zone
          ? {
              min: zone.min,
              max: zone.max,
              label:
                `${CHART_TEXT[lang].greenZone} ${zone.min}${zone.max === null ? ` ${DEVICE_TEXT[lang].aboveOnly}` : `–${zone.max}`} ${s.unit ?? ""}`.trim(),
            }
          : null;
        return (
          <TimeChart
            testId={`chart-${field}`}
            label={label}
            field={field}
            points={s.points}
            band={band}
            fromMs={toMs - DAY_MS}
            toMs={toMs}
          />
        );
      }}
    </Async>
  );
}
