import { useState } from "preact/hooks";
import { api } from "../../api.js";
import { ConfirmButton } from "../../components/confirm.js";
import { ErrorNote } from "../../components/errors.js";
import { Async, useApi } from "../../components/use-api.js";
import { formatTime } from "../../dom.js";
import { codeLabel } from "../../i18n/codes.js";
import { SILENCE_TEXT } from "../../i18n/silences.js";
import type { Lang } from "../../i18n.js";
import { useSession } from "../../session.js";
import type { HallView } from "../../types.js";
import { GroupedNotices } from "./grouped-notices.js";
import { type Prefill, SilenceForm } from "./silence-form.js";

export interface SilenceView {
  id: string;
  hallId: string | null;
  matchers: { hallId?: string; kind?: string; deviceId?: string; faultType?: string; severity?: string };
  reason: string;
  createdBy: string;
  startsMs: number;
  endsMs: number;
  liftedBy: string | null;
  held: number;
  active: boolean;
}

/** The server's roles for creating and lifting silences (src/api/routes/silences.ts). */
export const SILENCE_MANAGERS = ["admin", "duty_manager"];

/** Matchers in words: hall names, kinds, faults and severities translated. */
export function matcherText(
  m: SilenceView["matchers"],
  lang: Lang,
  hallName: (id: string) => string,
): string {
  const text = SILENCE_TEXT[lang];
  const parts = [
    m.hallId ? `${text.hall}: ${hallName(m.hallId)}` : `${text.hall}: ${text.allHalls}`,
    m.kind ? `${text.kind}: ${codeLabel(lang, "kind", m.kind)}` : null,
    m.deviceId ? `${text.deviceId}: ${m.deviceId}` : null,
    m.faultType ? `${text.fault}: ${codeLabel(lang, "fault", m.faultType)}` : null,
    m.severity ? `${text.severity}: ${codeLabel(lang, "severity", m.severity)}` : null,
  ];
  return parts.filter((p) => p !== null).join(" · ");
}

/** Silences in force and recently ended; admins and duty managers create and lift them. */
export function SilencesPage({ prefill }: { prefill: Prefill }) {
  const { lang, hasRole } = useSession();
  const text = SILENCE_TEXT[lang];
  const canManage = hasRole(...SILENCE_MANAGERS);
  const silences = useApi<{ items: SilenceView[] }>("/api/silences");
  const halls = useApi<{ items: HallView[] }>("/api/halls");
  const [liftError, setLiftError] = useState<unknown>(null);
  const [status, setStatus] = useState("");
  const names = new Map((halls.data?.items ?? []).map((h) => [h.id, h.name]));
  const hallName = (id: string) => names.get(id) ?? id;

  const item = (s: SilenceView) => (
    <li key={s.id} class="silence" data-testid="silence">
      <strong>{s.reason}</strong>
      <span>{matcherText(s.matchers, lang, hallName)}</span>
      <span class="muted">
        {`${text.from} ${formatTime(s.startsMs, lang)} · ${text.until} ${formatTime(s.endsMs, lang)}`}
      </span>
      <span class="muted">
        {`${text.by}: ${s.createdBy}`}
        {s.liftedBy ? ` · ${text.liftedBy}: ${s.liftedBy}` : ""}
        {s.held > 0 ? ` · ${text.held(s.held)}` : ""}
      </span>
      {canManage && s.active ? (
        <ConfirmButton
          label={text.lift}
          question={text.liftQuestion(s.reason)}
          confirmLabel={text.lift}
          onConfirm={async () => {
            setLiftError(null);
            try {
              await api("DELETE", `/api/silences/${encodeURIComponent(s.id)}`);
              setStatus(text.lifted);
            } catch (err) {
              setLiftError(err);
            }
            silences.reload();
          }}
        />
      ) : null}
    </li>
  );

  return (
    <section class="silences-page">
      <h1>{text.title}</h1>
      <p class="muted">{text.intro}</p>
      <p role="status">{status}</p>
      {liftError ? <ErrorNote error={liftError} /> : null}
      <Async state={silences}>
        {({ items }) => {
          const active = items.filter((s) => s.active);
          const ended = items.filter((s) => !s.active);
          return (
            <>
              <section class="card" aria-labelledby="silences-active">
                <h2 id="silences-active">{text.active}</h2>
                <ul class="silence-list" data-testid="silences-active">
                  {active.length === 0 ? <li class="muted">{text.none}</li> : active.map(item)}
                </ul>
              </section>
              <section class="card" aria-labelledby="silences-recent">
                <h2 id="silences-recent">{text.recent}</h2>
                <ul class="silence-list" data-testid="silences-recent">
                  {ended.length === 0 ? <li class="muted">{text.noneRecent}</li> : ended.map(item)}
                </ul>
              </section>
            </>
          );
        }}
      </Async>
      {canManage && halls.data ? (
        <SilenceForm
          key={`${prefill.hallId}/${prefill.faultType}/${prefill.deviceId}`}
          halls={halls.data.items}
          prefill={prefill}
          onCreated={() => {
            setStatus("");
            silences.reload();
          }}
        />
      ) : null}
      {hasRole("admin") ? <GroupedNotices /> : null}
    </section>
  );
}
