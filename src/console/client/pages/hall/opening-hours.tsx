import { useState } from "preact/hooks";
import { api } from "../../api.js";
import { ErrorNote } from "../../components/errors.js";
import { codeLabel } from "../../i18n/codes.js";
import { HALL_TEXT } from "../../i18n/hall.js";
import { useSession } from "../../session.js";
import { ExceptionForm, ExceptionList } from "./exceptions.js";

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export interface Range {
  open: string;
  close: string;
}
export type OpeningException = { date: string; note?: string } & ({ closed: true } | { ranges: Range[] });
export interface OpeningHours {
  timeZone: string;
  weekly: Record<Weekday, Range[]>;
  exceptions: OpeningException[];
}

/** The server's roles for PUT /api/halls/:hallId/opening-hours (src/api/routes/halls.ts). */
export const HOURS_EDITORS = ["admin", "duty_manager"];

export const rangesText = (ranges: readonly Range[], closed: string) =>
  ranges.length === 0 ? closed : ranges.map((r) => `${r.open}–${r.close}`).join(", ");

const emptyHours = (timeZone: string): OpeningHours => ({
  timeZone,
  weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, []])) as unknown as Record<Weekday, Range[]>,
  exceptions: [],
});

/** A hall's weekly hours and dated exceptions: read by everyone, edited by the roles the API lets save them. */
export function OpeningHoursSection({
  hallId,
  hours,
  hallZone,
  onSaved,
}: {
  hallId: string;
  hours: OpeningHours | null;
  hallZone: string;
  onSaved: () => void;
}) {
  const { lang, hasRole } = useSession();
  const text = HALL_TEXT[lang];
  const editable = hasRole(...HOURS_EDITORS);
  return (
    <section class="opening-hours card" data-testid="opening-hours" aria-labelledby="hours-title">
      <h2 id="hours-title">{text.openingHours}</h2>
      {editable ? (
        <HoursEditor hallId={hallId} initial={hours ?? emptyHours(hallZone)} onSaved={onSaved} />
      ) : (
        <>
          {hours === null ? <p class="muted">{text.noHours}</p> : null}
          <dl class="week">
            {WEEKDAYS.map((d) => (
              <div key={d}>
                <dt>{codeLabel(lang, "weekday", d)}</dt>
                <dd>{rangesText(hours?.weekly[d] ?? [], text.closedDay)}</dd>
              </div>
            ))}
          </dl>
          <h3>{text.exceptions}</h3>
          <ExceptionList exceptions={hours?.exceptions ?? []} />
        </>
      )}
    </section>
  );
}

/** Midnight is "24:00" to the API but "00:00" to a time input. */
const toInput = (hhmm: string) => (hhmm === "24:00" ? "00:00" : hhmm);
const toApiClose = (hhmm: string) => (hhmm === "00:00" ? "24:00" : hhmm);

function HoursEditor({
  hallId,
  initial,
  onSaved,
}: {
  hallId: string;
  initial: OpeningHours;
  onSaved: () => void;
}) {
  const { lang } = useSession();
  const text = HALL_TEXT[lang];
  const [draft, setDraft] = useState<OpeningHours>(initial);
  const [status, setStatus] = useState<string>("");
  const [error, setError] = useState<unknown>(null);
  const setDay = (day: Weekday, ranges: Range[]) => {
    setStatus("");
    setDraft({ ...draft, weekly: { ...draft.weekly, [day]: ranges } });
  };
  const save = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      const weekly = Object.fromEntries(
        WEEKDAYS.map((d) => [d, draft.weekly[d].map((r) => ({ open: r.open, close: toApiClose(r.close) }))]),
      );
      await api("PUT", `/api/halls/${encodeURIComponent(hallId)}/opening-hours`, {
        openingHours: { ...draft, weekly },
      });
      setStatus(text.hoursSaved);
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form class="hours-form" data-testid="opening-hours-form" onSubmit={save}>
      <h3>{text.weekly}</h3>
      <div class="days">
        {WEEKDAYS.map((day) => (
          <fieldset key={day} class="day" data-testid={`day-${day}`}>
            <legend>{codeLabel(lang, "weekday", day)}</legend>
            {draft.weekly[day].length === 0 ? <span class="muted">{text.closedDay}</span> : null}
            {draft.weekly[day].map((range, i) => {
              const update = (patch: Partial<Range>) =>
                setDay(
                  day,
                  draft.weekly[day].map((r, j) => (j === i ? { ...r, ...patch } : r)),
                );
              return (
                <div class="range" key={i}>
                  <label>
                    {text.opens}
                    <input
                      type="time"
                      name="open"
                      required
                      value={range.open}
                      onInput={(e) => update({ open: e.currentTarget.value })}
                    />
                  </label>
                  <label>
                    {text.closes}
                    <input
                      type="time"
                      name="close"
                      required
                      value={toInput(range.close)}
                      onInput={(e) => update({ close: e.currentTarget.value })}
                    />
                  </label>
                  <button
                    type="button"
                    aria-label={`${text.removeRange} ${codeLabel(lang, "weekday", day)}`}
                    onClick={() =>
                      setDay(
                        day,
                        draft.weekly[day].filter((_, j) => j !== i),
                      )
                    }
                  >
                    ×
                  </button>
                </div>
              );
            })}
            <button
              type="button"
              onClick={() => setDay(day, [...draft.weekly[day], { open: "09:00", close: "17:00" }])}
            >
              {text.addRange}
            </button>
          </fieldset>
        ))}
      </div>
      <h3>{text.exceptions}</h3>
      <ExceptionList
        exceptions={draft.exceptions}
        onRemove={(date) => {
          setStatus("");
          setDraft({ ...draft, exceptions: draft.exceptions.filter((e) => e.date !== date) });
        }}
      />
      <ExceptionForm
        onAdd={(exception) => {
          const others = draft.exceptions.filter((e) => e.date !== exception.date);
          setDraft({
            ...draft,
            exceptions: [...others, exception].sort((a, b) => a.date.localeCompare(b.date)),
          });
          setStatus(text.exceptionAdded);
        }}
      />
      <div class="actions">
        <button type="submit" class="primary">
          {text.saveHours}
        </button>
        <span role="status" data-testid="hours-status">
          {status}
        </span>
      </div>
      {error ? <ErrorNote error={error} /> : null}
    </form>
  );
}
