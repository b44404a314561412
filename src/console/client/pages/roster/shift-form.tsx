import { useState } from "preact/hooks";
import { ConfirmButton } from "../../components/confirm.js";
import { codeLabel } from "../../i18n/codes.js";
import { ROSTER_TEXT } from "../../i18n/roster.js";
import { useSession } from "../../session.js";
import { PeoplePicker } from "./people-picker.js";
import { DUTY_ROLES, type Person, type Shift, WEEKDAY_CODES } from "./types.js";

/** Adds or edits one weekly shift; the page saves the whole roster (the server checks overlaps and people). */
export function ShiftForm({
  shift,
  people,
  onSave,
  onDelete,
  onCancel,
}: {
  shift: Shift | null;
  people: Person[];
  onSave: (shift: Shift) => void;
  onDelete?: () => void;
  onCancel: () => void;
}) {
  const { lang } = useSession();
  const text = ROSTER_TEXT[lang];
  const [f, setF] = useState<Shift>(
    shift ?? {
      id: "",
      weekdays: [1, 2, 3, 4, 5],
      start: "09:00",
      end: "18:00",
      role: "duty_manager",
      usernames: [],
    },
  );
  const [problem, setProblem] = useState("");
  const submit = (event: Event) => {
    event.preventDefault();
    if (f.weekdays.length === 0) return setProblem(text.pickWeekday);
    if (f.usernames.length === 0) return setProblem(text.pickPeople);
    setProblem("");
    onSave(f);
  };
  return (
    <form class="shift-form" onSubmit={submit}>
      <h3>{shift ? text.edit : text.addShift}</h3>
      <label>
        {text.role}
        <select value={f.role} onChange={(e) => setF({ ...f, role: e.currentTarget.value })}>
          {DUTY_ROLES.map((r) => (
            <option key={r} value={r}>
              {codeLabel(lang, "role", r)}
            </option>
          ))}
        </select>
      </label>
      <div class="times">
        <label>
          {text.start}
          <input
            type="time"
            required
            value={f.start}
            onInput={(e) => setF({ ...f, start: e.currentTarget.value })}
          />
        </label>
        <label>
          {text.end}
          <input
            type="time"
            required
            value={f.end}
            onInput={(e) => setF({ ...f, end: e.currentTarget.value })}
          />
        </label>
      </div>
      <fieldset class="weekdays">
        <legend>{text.weekdays}</legend>
        {WEEKDAY_CODES.map((code, i) => (
          <label key={code}>
            <input
              type="checkbox"
              checked={f.weekdays.includes(i + 1)}
              onChange={(e) =>
                setF({
                  ...f,
                  weekdays: e.currentTarget.checked
                    ? [...f.weekdays, i + 1].sort()
                    : f.weekdays.filter((d) => d !== i + 1),
                })
              }
            />
            {codeLabel(lang, "weekday", code)}
          </label>
        ))}
      </fieldset>
      <PeoplePicker
        legend={text.people}
        people={people}
        chosen={f.usernames}
        onChange={(usernames) => setF({ ...f, usernames })}
      />
      {problem ? (
        <p class="error" role="alert">
          {problem}
        </p>
      ) : null}
      <div class="actions">
        <button type="submit" class="primary">
          {text.save}
        </button>
        <button type="button" onClick={onCancel}>
          {text.cancel}
        </button>
        {onDelete ? (
          <ConfirmButton label={text.remove} question={text.removeShift} onConfirm={onDelete} />
        ) : null}
      </div>
    </form>
  );
}
