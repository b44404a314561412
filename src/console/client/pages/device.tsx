import { DeviceCharts } from "../charts/device-charts.js";
import { Async, useApi } from "../components/use-api.js";
import { formatTime } from "../dom.js";
import { codeLabel, fieldValue } from "../i18n/codes.js";
import { DEVICE_TEXT, EVENT_LABELS } from "../i18n/device.js";
import type { Lang } from "../i18n.js";
import { deviceName } from "../overview/device-name.js";
import { href } from "../router.js";
import { useSession } from "../session.js";
import type { AlertView, DeviceView } from "../types.js";
import { DeviceActions } from "./device-actions.js";

type DeviceDetail = DeviceView & {
  recentEvents: { tsMs: number; type: string; data: Record<string, unknown> | null }[];
};

/** One device: what it is, its latest readings, charts of the last day, its events and its alerts. */
export function Device({ hallId, deviceId }: { hallId: string; deviceId: string }) {
  const { t, lang } = useSession();
  const w = DEVICE_TEXT[lang];
  const device = useApi<DeviceDetail>(
    `/api/devices/${encodeURIComponent(hallId)}/${encodeURIComponent(deviceId)}`,
  );
  const alerts = useApi<{ items: AlertView[] }>(
    `/api/alerts?hallId=${encodeURIComponent(hallId)}&deviceId=${encodeURIComponent(deviceId)}&limit=50`,
  );
  return (
    <Async state={device}>
      {(d) => (
        <section class="device" data-testid="device">
          <a href={href("devices")}>{`← ${t.back}`}</a>
          <h1>{deviceName(d, lang)}</h1>
          <dl class="device-facts">
            <dt>{w.kind}</dt>
            <dd>{codeLabel(lang, "kind", d.kind)}</dd>
            <dt>{w.model}</dt>
            <dd>{d.model}</dd>
            <dt>{t.zone}</dt>
            <dd>{codeLabel(lang, "zone", d.zone)}</dd>
            <dt>{w.connectivity}</dt>
            <dd>
              <span class={`conn conn-${d.connectivity}`}>
                {codeLabel(lang, "connectivity", d.connectivity)}
              </span>
            </dd>
            <dt>{t.lastSeen}</dt>
            <dd>{formatTime(d.lastSeenMs, lang)}</dd>
          </dl>
          <DeviceActions hallId={d.hallId} deviceId={d.deviceId} />
          <h2>{t.values}</h2>
          <Values values={d.values} lang={lang} />
          <DeviceCharts hallId={d.hallId} deviceId={d.deviceId} kind={d.kind} />
          <h2>{t.events}</h2>
          {d.recentEvents.length === 0 ? (
            <p class="muted">{w.noEvents}</p>
          ) : (
            <ul class="device-events">
              {d.recentEvents.map((e, i) => (
                <li key={`${e.tsMs}-${i}`}>
                  <time>{formatTime(e.tsMs, lang)}</time> {EVENT_LABELS[e.type]?.[lang] ?? w.event}
                  {e.data ? ` · ${describe(e.data, lang)}` : ""}
                </li>
              ))}
            </ul>
          )}
          <h2>{t.alertHistory}</h2>
          <Async state={alerts}>
            {({ items }) =>
              items.length === 0 ? (
                <p class="muted">{w.noAlerts}</p>
              ) : (
                <ul class="device-alerts">
                  {items.map((a) => (
                    <li key={a.id} class={`sev-${a.severity}`}>
                      <time>{formatTime(a.openedMs, lang)}</time>{" "}
                      {`${w[a.severity]} · ${a.summary[lang]} — ${w[a.status]}`}
                    </li>
                  ))}
                </ul>
              )
            }
          </Async>
        </section>
      )}
    </Async>
  );
}

/**
 * An event's data in words: a change as "Port 2 state: Charging → Idle", other fields as "Pressure 1.05 MPa".
 */
function describe(data: Record<string, unknown>, lang: Lang): string {
  if (typeof data.field === "string" && "to" in data) {
    const path = data.field.split(".");
    const last = path[path.length - 1] ?? "";
    const where = path
      .map((part) =>
        /^\d+$/.test(part) ? part : part === "state" ? DEVICE_TEXT[lang].state : portsOr(lang, part),
      )
      .join(" ");
    const from = "from" in data && data.from !== null ? `${shownValue(lang, last, data.from)} → ` : "";
    return `${where}: ${from}${shownValue(lang, last, data.to)}`;
  }
  return Object.entries(data)
    .map(([k, v]) => `${codeLabel(lang, "field", k)} ${fieldValue(lang, k, v)}`)
    .join(lang === "zh" ? "，" : ", ");
}

const portsOr = (lang: Lang, part: string) =>
  part === "ports" ? DEVICE_TEXT[lang].port : codeLabel(lang, "field", part);
const shownValue = (lang: Lang, field: string, v: unknown) =>
  field === "state" ? codeLabel(lang, "value", String(v)) : fieldValue(lang, field, v);

function Values({ values, lang }: { values: Record<string, unknown> | null; lang: Lang }) {
  const w = DEVICE_TEXT[lang];
  if (!values) return <p class="muted">{w.noValues}</p>;
  return (
    <table class="device-values" data-testid="device-values">
      <tbody>
        {Object.entries(values).map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{codeLabel(lang, "field", k)}</th>
            <td>{Array.isArray(v) ? <Ports ports={v} lang={lang} /> : fieldValue(lang, k, v)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A charger's ports: "Port 1: Charging, 1.2 A, 5 V". */
function Ports({ ports, lang }: { ports: unknown[]; lang: Lang }) {
  return (
    <ul class="ports">
      {ports.map((p, i) => {
        const port = p as Record<string, unknown>;
        const rest = Object.entries(port)
          .filter(([k]) => k !== "port")
          .map(([k, v]) => (k === "state" ? codeLabel(lang, "value", String(v)) : fieldValue(lang, k, v)));
        return (
          <li
            key={String(port.port ?? i)}
          >{`${DEVICE_TEXT[lang].port} ${String(port.port ?? i)}: ${rest.join(", ")}`}</li>
        );
      })}
    </ul>
  );
}
