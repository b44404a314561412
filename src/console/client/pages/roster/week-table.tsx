import { codeLabel } from "../../i18n/codes.js";
import { ROSTER_TEXT } from "../../i18n/roster.js";
import { useSession } from "../../session.js";
import { type Shift, WEEKDAY_CODES } from "./types.js";

/** The weekly pattern as a table, one block of rows per weekday, shifts by start time. */
export function WeekTable({
  shifts,
  names,
  onEdit,
}: {
  shifts: Shift[];
  names: Record<string, string>;
  /** Absent for people who may only read. */
  onEdit?: (shift: Shift) => void;
}) {
  const { lang } = useSession();
  const text = ROSTER_TEXT[lang];
  if (shifts.length === 0) return <p class="muted">{text.noShifts}</p>;
  const sorted = [...shifts].sort((a, b) => a.start.localeCompare(b.start) || a.role.localeCompare(b.role));
  return (
    <table class="roster-week">
      <thead>
        <tr>
          <th scope="col">{text.time}</th>
          <th scope="col">
            {text.role} · {text.people}
          </th>
          {onEdit ? <th scope="col">{text.edit}</th> : null}
        </tr>
      </thead>
      {WEEKDAY_CODES.map((code, i) => {
        const day = sorted.filter((s) => s.weekdays.includes(i + 1));
        return (
          <tbody key={code}>
            <tr class="weekday">
              <th scope="rowgroup" colSpan={onEdit ? 3 : 2}>
                {codeLabel(lang, "weekday", code)}
              </th>
            </tr>
            {day.length === 0 ? (
              <tr>
                <td colSpan={onEdit ? 3 : 2} class="muted">
                  {text.noShifts}
                </td>
              </tr>
            ) : (
              day.map((s) => (
                <tr key={s.id}>
                  <td class="time">
                    {s.start}–{s.end}
                    {s.end <= s.start ? <span class="muted"> ({text.overnight})</span> : null}
                  </td>
                  <td>
                    <span class="role">{codeLabel(lang, "role", s.role)}</span>
                    <br />
                    {s.usernames.map((u) => names[u] ?? u).join("、")}
                  </td>
                  {onEdit ? (
                    <td>
                      <button type="button" onClick={() => onEdit(s)}>
                        {text.edit}
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))
            )}
          </tbody>
        );
      })}
    </table>
  );
}
