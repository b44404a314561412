import { Async, useApi } from "../../components/use-api.js";
import { codeLabel } from "../../i18n/codes.js";
import { HALL_TEXT } from "../../i18n/hall.js";
import { useSession } from "../../session.js";
import { localDayTime } from "./zone-time.js";

interface Report {
  timeZone: string;
  openingLocal: string;
  ready: boolean;
  verdict: { en: string; zh: string };
  notReady: {
    deviceId: string;
    kind: string;
    name: string | null;
    reasons: ({ type: "offline" | "unknown" } | { type: "fault"; faultType: string })[];
  }[];
}

/** The pre-opening verdict as it would be now, for the next opening, in the hall's own clock. */
export function Readiness({ hallId, hasHours }: { hallId: string; hasHours: boolean }) {
  const { lang } = useSession();
  const text = HALL_TEXT[lang];
  const state = useApi<{ report: Report }>(`/api/halls/${encodeURIComponent(hallId)}/readiness?preview=true`);
  return (
    <section class="readiness card" data-testid="readiness" aria-labelledby="readiness-title">
      <h2 id="readiness-title">{text.readiness}</h2>
      <Async state={state}>
        {({ report }) => (
          <>
            <p class={`verdict ${report.ready ? "ready" : "not-ready"}`}>
              {/* The server's verdict already starts with "ready" / "NOT ready" in each language. */}
              <strong>{report.verdict[lang]}</strong>
            </p>
            <p data-testid="next-opening">
              {hasHours
                ? `${text.nextOpening}: ${localDayTime(report.openingLocal, lang)} (${report.timeZone})`
                : text.noHours}
            </p>
            {report.notReady.length > 0 ? (
              <>
                <h3>{text.notReadyDevices}</h3>
                <ul>
                  {report.notReady.map((d) => (
                    <li key={d.deviceId}>
                      {`${d.name ?? d.deviceId} (${codeLabel(lang, "kind", d.kind)}): `}
                      {d.reasons
                        .map((r) =>
                          r.type === "fault"
                            ? codeLabel(lang, "fault", r.faultType)
                            : codeLabel(lang, "connectivity", r.type),
                        )
                        .join(lang === "zh" ? "、" : ", ")}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </>
        )}
      </Async>
    </section>
  );
}
