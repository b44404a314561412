import { Async, useApi } from "../components/use-api.js";
import { href } from "../router.js";
import { useSession } from "../session.js";
import type { DeviceView } from "../types.js";

export function Devices() {
  const { t } = useSession();
  const devices = useApi<{ items: DeviceView[] }>("/api/devices");
  return (
    <Async state={devices}>
      {({ items }) => {
        const byHallZone = new Map<string, DeviceView[]>();
        for (const d of items) {
          const key = `${d.hallId} · ${d.zone}`;
          byHallZone.set(key, [...(byHallZone.get(key) ?? []), d]);
        }
        return [...byHallZone].map(([zone, list]) => (
          <section class="zone" key={zone}>
            <h2>{zone}</h2>
            <div class="grid">
              {list.map((d) => (
                <a
                  key={d.deviceId}
                  class={`tile ${d.connectivity}`}
                  href={href("device", d.hallId, d.deviceId)}
                  data-device={d.deviceId}
                >
                  <strong>{d.name ?? d.deviceId}</strong>
                  <span>{`${d.kind} · ${t[d.connectivity]}`}</span>
                </a>
              ))}
            </div>
          </section>
        ));
      }}
    </Async>
  );
}
