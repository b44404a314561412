import { useEffect, useState } from "preact/hooks";
import { ApiFailure, api } from "../api.js";
import { Sparkline } from "../charts/sparkline.js";
import { codeLabel, fieldValue } from "../i18n/codes.js";
import { useSession } from "../session.js";
import { ALERT_TEXT } from "./alert-text.js";
import type { HistoryEntry } from "./alert-types.js";

const AROUND_MS = 60 * 60_000;

type Points = [number, number][];

/** The values the alert's own history recorded (raise and updates): the chart when the series API is absent. */
function historyPoints(history: HistoryEntry[]): Points {
  return history.flatMap((h) =>
    typeof h.detail?.observed === "number" ? [[h.atMs, h.detail.observed] as [number, number]] : [],
  );
}

/** The series (one point a minute) with the alert's own readings, which may be newer than its last minute. */
function merge(series: Points, own: Points): Points {
  const seen = new Set(series.map(([t]) => t));
  return [...series, ...own.filter(([t]) => !seen.has(t))].sort((x, y) => x[0] - y[0]);
}

/**
 * A sparkline of the alert's value an hour either side of when it was raised, from
 * GET /api/devices/:hallId/:deviceId/series, with the values the alert's own history recorded (all there is when
 * the device is gone: 404).
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
      (series) => current && setPoints(merge(series.points, historyPoints(history))),
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
  return (
    <div class="trend" data-testid="trend">
      <Sparkline
        points={points}
        markMs={raisedMs}
        label={`${a.trend} · ${codeLabel(lang, "field", field)}`}
        format={(value) => fieldValue(lang, field, value)}
      />
    </div>
  );
}
