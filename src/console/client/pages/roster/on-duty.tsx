import { DateTime } from "luxon";
import { Async, useApi } from "../../components/use-api.js";
import { codeLabel } from "../../i18n/codes.js";
import { ROSTER_TEXT } from "../../i18n/roster.js";
import { useSession } from "../../session.js";

interface Span {
  fromMs: number;
  /** Null: no change within the next two weeks. */
  toMs: number | null;
  people: { username: string; displayName: string }[];
}
interface OnDuty {
  timeZone: string;
  roles: { role: string; now: Span | null; next: Span | null }[];
}

/** Who is on duty now and next per role, by name, with the hand-over times on the hall's clock. */
export function OnDutyNow({ hallId }: { hallId: string }) {
  const { lang } = useSession();
  const text = ROSTER_TEXT[lang];
  const state = useApi<OnDuty>(`/api/halls/${encodeURIComponent(hallId)}/on-duty`);
  const clock = (ms: number, zone: string) =>
    DateTime.fromMillis(ms, { zone })
      .setLocale(lang === "zh" ? "zh-CN" : "en-GB")
      .toFormat(lang === "zh" ? "M月d日 ccc HH:mm" : "ccc d LLL HH:mm");
  const names = (span: Span) => span.people.map((p) => p.displayName).join("、");
  return (
    <section class="on-duty" aria-labelledby="on-duty-title">
      <h2 id="on-duty-title">{text.onDutyNow}</h2>
      <Async state={state}>
        {(data) => (
          <ul class="duty-roles">
            {data.roles.map((r) => (
              <li key={r.role}>
                <h3>{codeLabel(lang, "role", r.role)}</h3>
                {r.now ? (
                  <p class="now">
                    <strong>{names(r.now)}</strong>{" "}
                    {r.now.toMs !== null ? (
                      <span class="muted">
                        {text.until} {clock(r.now.toMs, data.timeZone)}
                      </span>
                    ) : null}
                  </p>
                ) : (
                  <p class="now muted">{text.nobody}</p>
                )}
                <p class="next">
                  {text.next}:{" "}
                  {r.next ? (
                    <>
                      {names(r.next)}{" "}
                      <span class="muted">
                        {text.from} {clock(r.next.fromMs, data.timeZone)}
                      </span>
                    </>
                  ) : (
                    <span class="muted">{text.noNext}</span>
                  )}
                </p>
              </li>
            ))}
          </ul>
        )}
      </Async>
    </section>
  );
}
