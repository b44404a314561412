import { useState } from "preact/hooks";
import { Async, useApi } from "../../components/use-api.js";
import { formatTime } from "../../dom.js";
import { codeLabel } from "../../i18n/codes.js";
import { INSPECTION_TEXT } from "../../inspections-i18n.js";
import { useSession } from "../../session.js";
import type { InspectionRecord, RecordSummary } from "./types.js";

/** An asset's recent inspection records; each opens its detail (results, note, photo) in place. */
export function RecordList({
  records,
  assetId,
  timeZone,
}: {
  records: RecordSummary[];
  assetId: string;
  timeZone: string;
}) {
  const { lang } = useSession();
  const t = INSPECTION_TEXT[lang];
  if (records.length === 0) return <p class="muted">{t.noRecords}</p>;
  return (
    <ul class="records">
      {records.map((r) => (
        <RecordRow key={r.id} record={r} assetId={assetId} timeZone={timeZone} />
      ))}
    </ul>
  );
}

function RecordRow({
  record,
  assetId,
  timeZone,
}: {
  record: RecordSummary;
  assetId: string;
  timeZone: string;
}) {
  const { lang } = useSession();
  const t = INSPECTION_TEXT[lang];
  const [open, setOpen] = useState(false);
  const failed = record.failedItems
    .map((i) => codeLabel(lang, "checkItem", i))
    .join(lang === "zh" ? "、" : ", ");
  return (
    <li class={record.passed ? "ok" : "bad"} data-testid={`record-${record.id}`}>
      <span>
        {`${formatTime(record.inspectedMs, lang, timeZone)} · ${record.inspector} · ${record.passed ? t.pass : `${t.fail}: ${failed}`}`}
      </span>
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? t.hideDetails : t.details}
      </button>
      {open ? <RecordDetail id={record.id} assetId={assetId} timeZone={timeZone} /> : null}
    </li>
  );
}

/** One record as stored: each item's result, the sensor as the inspector saw it, the note and the photo. */
function RecordDetail({ id, assetId, timeZone }: { id: string; assetId: string; timeZone: string }) {
  const { lang } = useSession();
  const t = INSPECTION_TEXT[lang];
  const state = useApi<{ record: InspectionRecord }>(`/api/inspections/${encodeURIComponent(id)}`);
  return (
    <div class="record-detail" data-testid="record-detail">
      <Async state={state}>
        {({ record }) => (
          <>
            <h3>{t.results}</h3>
            <ul>
              {Object.entries(record.results).map(([item, result]) => (
                <li key={item} class={result === "pass" ? "ok" : "bad"}>
                  {`${codeLabel(lang, "checkItem", item)}: ${t[result]}`}
                  {record.sensor.some((s) => s.item === item && s.confirmedPass)
                    ? ` · ${t.sensorConfirmed}`
                    : ""}
                </li>
              ))}
            </ul>
            {record.note ? <p>{`${t.note}: ${record.note}`}</p> : null}
            {record.photoId ? (
              <img
                class="inspection-photo"
                data-testid="record-photo"
                src={`/api/inspections/${encodeURIComponent(record.id)}/photo`}
                alt={t.photoOf(assetId, formatTime(record.inspectedMs, lang, timeZone))}
              />
            ) : (
              <p class="muted">{t.noPhoto}</p>
            )}
          </>
        )}
      </Async>
    </div>
  );
}
