import { Async, useApi } from "../components/use-api.js";
import { formatTime } from "../dom.js";
import { useSession } from "../session.js";
import type { AlertView, DeviceView } from "../types.js";

type DeviceDetail = DeviceView & {
  recentEvents: { tsMs: number; type: string; data: Record<string, unknown> | null }[];
};

export function Device({ hallId, deviceId }: { hallId: string; deviceId: string }) {
  const { t, lang } = useSession();
  const device = useApi<DeviceDetail>(
    `/api/devices/${encodeURIComponent(hallId)}/${encodeURIComponent(deviceId)}`,
  );
  const alerts = useApi<{ items: AlertView[] }>(
    `/api/alerts?hallId=${encodeURIComponent(hallId)}&deviceId=${encodeURIComponent(deviceId)}&limit=50`,
  );
  return (
    <Async state={device}>
      {(d) => (
        <section class="device">
          <a href="#/devices">{`← ${t.back}`}</a>
          <h1>{d.name ?? d.deviceId}</h1>
          <p>
            {`${d.kind} · ${d.model} · ${t.zone} ${d.zone} · `}
            <span class={d.connectivity}>{t[d.connectivity]}</span>
          </p>
          <p class="muted">{`${t.lastSeen} ${formatTime(d.lastSeenMs, lang)}`}</p>
          <h2>{t.values}</h2>
          <table>
            <tbody>
              {Object.entries(d.values ?? {}).map(([k, v]) => (
                <tr key={k}>
                  <th>{k}</th>
                  <td>{typeof v === "object" ? JSON.stringify(v) : String(v)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>{t.events}</h2>
          <ul>
            {d.recentEvents.map((e) => (
              <li
                key={`${e.tsMs}-${e.type}`}
              >{`${formatTime(e.tsMs, lang)} ${e.type} ${e.data ? JSON.stringify(e.data) : ""}`}</li>
            ))}
          </ul>
          <h2>{t.alertHistory}</h2>
          <Async state={alerts}>
            {({ items }) => (
              <ul>
                {items.map((a) => (
                  <li key={a.id}>{`${formatTime(a.openedMs, lang)} ${a.summary[lang]} — ${t[a.status]}`}</li>
                ))}
              </ul>
            )}
          </Async>
        </section>
      )}
    </Async>
  );
}
