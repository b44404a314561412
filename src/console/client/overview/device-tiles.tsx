import { useEffect } from "preact/hooks";
import { Async, useApi } from "../components/use-api.js";
import { codeLabel } from "../i18n/codes.js";
import { useAlertFeed } from "../live/use-feed.js";
import { href } from "../router.js";
import { useSession } from "../session.js";
import type { AlertView, DeviceView } from "../types.js";
import { deviceName } from "./device-name.js";
import { KindIcon } from "./kind-icon.js";
import { worstByDevice } from "./worst.js";

/** Connectivity is not streamed: the tiles reload it this often (alerts come live from the feed). */
const DEVICE_REFRESH_MS = 30_000;

/** Zones in the order a visitor walks through a hall; other zones follow by name. */
const ZONE_ORDER = ["entrance", "self-service", "waiting", "counters", "back-office"];
const zoneRank = (zone: string) => {
  const i = ZONE_ORDER.indexOf(zone);
  return i === -1 ? ZONE_ORDER.length : i;
};

/** One tile: coloured by the device's worst open alert, with its kind icon, name, kind, zone and connectivity. */
function Tile({ device, worst }: { device: DeviceView; worst: AlertView | undefined }) {
  const { t, lang } = useSession();
  const name = deviceName(device, lang);
  return (
    <a
      class={`tile worst-${worst?.severity ?? "none"} ${device.connectivity}`}
      href={href("device", device.hallId, device.deviceId)}
      data-device={device.deviceId}
    >
      <span class="tile-head">
        <KindIcon kind={device.kind} />
        <strong class="name">{name}</strong>
      </span>
      {/* A derived name already says the kind ("Phone charger 2"); an agent-given name does not. */}
      {device.name ? <span class="tile-kind">{codeLabel(lang, "kind", device.kind)}</span> : null}
      {worst ? (
        <span class={`tile-alert sev-text-${worst.severity}`}>
          {`${t.severity[worst.severity]} · ${worst.summary[lang]}`}
        </span>
      ) : null}
      <span class="tile-foot">
        <span class={`conn ${device.connectivity}`}>
          {codeLabel(lang, "connectivity", device.connectivity)}
        </span>
        {name !== device.deviceId ? <span class="muted id">{device.deviceId}</span> : null}
      </span>
    </a>
  );
}

/** The devices of one hall (or of every hall when `hallId` is null), grouped by zone. */
export function DeviceTiles({ hallId }: { hallId: string | null }) {
  const { lang } = useSession();
  const feed = useAlertFeed();
  const devices = useApi<{ items: DeviceView[] }>(
    hallId ? `/api/devices?hallId=${encodeURIComponent(hallId)}` : "/api/devices",
  );
  const { reload } = devices;
  useEffect(() => {
    const timer = setInterval(reload, DEVICE_REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  return (
    <Async state={devices}>
      {({ items }) => {
        const worst = worstByDevice(feed.active(), items);
        const zones = new Map<string, DeviceView[]>();
        for (const d of items) zones.set(d.zone, [...(zones.get(d.zone) ?? []), d]);
        return (
          <div class="zones">
            {[...zones]
              .sort(([a], [b]) => zoneRank(a) - zoneRank(b) || a.localeCompare(b))
              .map(([zone, list]) => (
                <section class="zone" key={zone} data-zone={zone}>
                  <h3>{codeLabel(lang, "zone", zone)}</h3>
                  <div class="grid">
                    {list.map((d) => (
                      <Tile key={d.deviceId} device={d} worst={worst.get(`${d.hallId}/${d.deviceId}`)} />
                    ))}
                  </div>
                </section>
              ))}
          </div>
        );
      }}
    </Async>
  );
}
