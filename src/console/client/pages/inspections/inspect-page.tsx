import { Async, useApi } from "../../components/use-api.js";
import { formatTime } from "../../dom.js";
import { codeLabel } from "../../i18n/codes.js";
import { INSPECTION_TEXT } from "../../inspections-i18n.js";
import { useSession } from "../../session.js";
import { ChecklistForm } from "./checklist-form.js";
import { periodLine } from "./format.js";
import { RecordList } from "./record-detail.js";
import { type AssetView, assetPath, INSPECTORS } from "./types.js";

/** The page a QR label opens on a guard's phone: the asset, its sensor's readings, the checklist and its records. */
export function InspectPage({ hallId, assetId }: { hallId: string; assetId: string }) {
  const { lang, hasRole } = useSession();
  const t = INSPECTION_TEXT[lang];
  const state = useApi<AssetView>(
    `/api/halls/${encodeURIComponent(hallId)}/fire-assets/${encodeURIComponent(assetId)}`,
  );
  return (
    <Async state={state}>
      {(view) => {
        const { asset, period } = view;
        const zone = period.timeZone;
        const canInspect = hasRole(...INSPECTORS) && !view.retired;
        return (
          <section class="inspect-page" data-testid="inspect-page">
            <h1>{`${asset.id} · ${asset.location}`}</h1>
            <p>
              {`${t.type}: ${codeLabel(lang, "assetType", asset.type)} · ${t.size}: ${asset.size} · ${t.nextService}: ${asset.nextServiceDate}`}
              {asset.scrapDate ? ` · ${t.scrap}: ${asset.scrapDate}` : ""}
            </p>
            <p class={`status ${period.status}`} data-testid="period-status">
              {periodLine(period, lang)}
            </p>
            {view.sensor ? (
              <p class={view.sensor.connectivity === "online" ? "muted" : "bad"}>
                {`${t.sensor}: ${view.sensor.deviceId} · ${view.sensor.connectivity === "online" ? formatTime(view.sensor.lastSeenMs, lang, zone) : t.sensorOffline}`}
              </p>
            ) : (
              <p class="muted">{t.noSensor}</p>
            )}
            {canInspect ? null : <p class="notice">{t.readOnly}</p>}
            {/* Only those who may submit get a live form; others see it disabled, as the checklist to read. */}
            <ChecklistForm view={view} hallId={hallId} canInspect={canInspect} onSubmitted={state.reload} />
            {view.openActions.length > 0 ? (
              <section>
                <h2>{t.openActions}</h2>
                <ul>
                  {view.openActions.map((a) => (
                    <li key={a.id}>
                      {`${codeLabel(lang, "checkItem", a.item)} · ${formatTime(a.openedMs, lang, zone)}`}
                    </li>
                  ))}
                </ul>
              </section>
            ) : null}
            <section>
              <h2>{t.recent}</h2>
              <RecordList records={view.recentRecords} assetId={asset.id} timeZone={zone} />
            </section>
          </section>
        );
      }}
    </Async>
  );
}
