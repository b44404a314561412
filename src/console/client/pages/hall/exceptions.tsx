import { useState } from "preact/hooks";
import { HALL_TEXT } from "../../i18n/hall.js";
import { useSession } from "../../session.js";
import { type OpeningException, rangesText } from "./opening-hours.js";

/** Dated exceptions: closed days and special hours, by local date; removable when `onRemove` is given. */
export function ExceptionList({
  exceptions,
  onRemove,
}: {
  exceptions: readonly OpeningException[];
  onRemove?: (date: string) => void;
}) {
  const { lang } = useSession();
  const text = HALL_TEXT[lang];
  if (exceptions.length === 0) return <p class="muted">{text.noExceptions}</p>;
  return (
    <ul class="exceptions">
      {exceptions.map((e) => (
        <li key={e.date} data-testid={`exception-${e.date}`}>
          <strong>{e.date}</strong>
          {` · ${"closed" in e ? text.closedAllDay : `${text.specialHours} ${rangesText(e.ranges, "")}`}`}
          {e.note ? ` · ${e.note}` : ""}
          {onRemove ? (
            <button
              type="button"
              aria-label={`${text.removeException} ${e.date}`}
              onClick={() => onRemove(e.date)}
            >
              ×
            </button>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** Adds one dated exception to the draft (inside the hours form, so it is a group of fields, not a form). */
export function ExceptionForm({ onAdd }: { onAdd: (exception: OpeningException) => void }) {
  const { lang } = useSession();
  const text = HALL_TEXT[lang];
  const [date, setDate] = useState("");
  const [closed, setClosed] = useState(true);
  const [open, setOpen] = useState("09:00");
  const [close, setClose] = useState("12:00");
  const [note, setNote] = useState("");
  const [problem, setProblem] = useState("");
  const add = () => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || (!closed && (!open || !close))) return setProblem(text.badTime);
    if (!closed && open >= (close === "00:00" ? "24:00" : close)) return setProblem(text.endBeforeStart);
    setProblem("");
    const trimmed = note.trim();
    const base = { date, ...(trimmed ? { note: trimmed } : {}) };
    onAdd(
      closed
        ? { ...base, closed: true }
        : { ...base, ranges: [{ open, close: close === "00:00" ? "24:00" : close }] },
    );
  };
  return (
    <fieldset class="exception-form" data-testid="exception-form">
      <legend>{text.addException}</legend>
      <label>
        {text.exceptionDate}
        <input type="date" name="date" value={date} onInput={(e) => setDate(e.currentTarget.value)} />
      </label>
      <label class="check">
        <input
          type="checkbox"
          name="closed"
          checked={closed}
          onChange={(e) => setClosed(e.currentTarget.checked)}
        />
        {text.closedAllDay}
      </label>
      {closed ? null : (
        <>
          <label>
            {text.opens}
            <input type="time" name="exOpen" value={open} onInput={(e) => setOpen(e.currentTarget.value)} />
          </label>
          <label>
            {text.closes}
            <input
              type="time"
              name="exClose"
              value={close}
              onInput={(e) => setClose(e.currentTarget.value)}
            />
          </label>
        </>
      )}
      <label>
        {text.exceptionNote}
        <input name="note" maxLength={200} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </label>
      <button type="button" onClick={add}>
        {text.addException}
      </button>
      {problem ? (
        <p class="error" role="alert">
          {problem}
        </p>
      ) : null}
    </fieldset>
  );
}
