import { useEffect, useState } from "preact/hooks";
import { ApiFailure, api } from "../api.js";
import { codeLabel, fieldValue } from "../i18n/codes.js";
import { useSession } from "../session.js";
import { ALERT_TEXT } from "./alert-text.js";
import type { HistoryEntry } from "./alert-types.js";
// The charts helper's <Sparkline> (same props) replaces this import once charts/sparkline.tsx is on main.
import { Sparkline } from "./sparkline-fallback.js";

const AROUND_MS = 60 * 60_000;

type Points = [number, number][];

/** The values the alert's own history recorded (raise and updates): the chart when the series API is absent. */
function historyPoints(history: HistoryEntry[]): Points {
  return history.flatMap((h) =>
    typeof h.detail?.observed === "number" ? [[h.atMs, h.detail.observed] as [number, number]] : [],
  );
}

/**
 * A sparkline of the alert's value an hour either side of when it was raised, from
 * GET /api/devices/:hallId/:deviceId/series; falls back to the alert's own recorded values while that
 * endpoint does not exist on the server (404 route_not_found).
 */
export function AlertTrend({
  hallId,
  deviceId,
  field,
  raisedMs,
  history,
}: {
  hallId: string;
  deviceId: string;
  field: string;
  raisedMs: number;
  history: HistoryEntry[];
}) {
  const { lang } = useSession();
  const a = ALERT_TEXT[lang];
  const [points, setPoints] = useState<Points | null>(null);
  useEffect(() => {
    let current = true;
    const path = `/api/devices/${encodeURIComponent(hallId)}/${encodeURIComponent(deviceId)}/series?field=${encodeURIComponent(field)}&fromMs=${raisedMs - AROUND_MS}&toMs=${raisedMs + AROUND_MS}`;
    api<{ points: Points }>("GET", path).then(
      (series) => current && setPoints(series.points.length > 0 ? series.points : historyPoints(history)),
      (err: unknown) => {
        if (!current) return;
        setPoints(err instanceof ApiFailure && err.status === 404 ? historyPoints(history) : []);
      },
    );
    return () => {
      current = false;
    };
  }, [hallId, deviceId, field, raisedMs, history]);
  if (points === null || points.length === 0) return null;
  const last = points.at(-1)?.[1];
  const label = `${a.trend}: ${codeLabel(lang, "field", field)} ${fieldValue(lang, field, last)}`;
  return (
    <figure class="trend" data-testid="trend">
      <Sparkline points={points} markMs={raisedMs} label={label} />
      <figcaption>{label}</figcaption>
    </figure>
  );
}
