import type { Person } from "./types.js";

/** Checkboxes of people by name (each a 44 px label); `chosen` are usernames. */
export function PeoplePicker({
  legend,
  people,
  chosen,
  onChange,
}: {
  legend: string;
  people: Person[];
  chosen: string[];
  onChange: (usernames: string[]) => void;
}) {
  return (
    <fieldset class="people">
      <legend>{legend}</legend>
      {people.map((p) => (
        <label key={p.username}>
          <input
            type="checkbox"
            checked={chosen.includes(p.username)}
            onChange={(e) =>
              onChange(
                e.currentTarget.checked ? [...chosen, p.username] : chosen.filter((u) => u !== p.username),
              )
            }
          />
          {p.displayName}
        </label>
      ))}
    </fieldset>
  );
}
