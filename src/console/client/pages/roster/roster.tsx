import { useState } from "preact/hooks";
import { api } from "../../api.js";
import { useAction } from "../../components/use-action.js";
import { Async, useApi } from "../../components/use-api.js";
import { ROSTER_TEXT } from "../../i18n/roster.js";
import { href } from "../../router.js";
import { useSession } from "../../session.js";
import type { HallView } from "../../types.js";
import { CalendarLink } from "./calendar-link.js";
import { RosterChanges } from "./changes.js";
import { OnDutyNow } from "./on-duty.js";
import { RosterError } from "./roster-error.js";
import { ShiftForm } from "./shift-form.js";
import { asInput, type Person, type RosterView, type Shift } from "./types.js";
import { WeekTable } from "./week-table.js";

/** `#/roster/<hall>`: who is on duty now and next, the weekly pattern, overrides and swaps, the calendar feed. */
export function RosterPage({ hallId }: { hallId: string }) {
  const { lang } = useSession();
  const text = ROSTER_TEXT[lang];
  const halls = useApi<{ items: HallView[] }>("/api/halls");
  return (
    <div class="roster-page">
      <h1>{text.title}</h1>
      <Async state={halls}>
        {({ items }) => {
          const hall = items.find((h) => h.id === hallId) ?? items[0];
          if (!hall) return <p class="muted">{text.noRoster}</p>;
          return (
            <>
              {items.length > 1 ? (
                <label>
                  {text.hall}
                  <select
                    value={hall.id}
                    onChange={(e) => {
                      location.hash = href("roster", e.currentTarget.value);
                    }}
                  >
                    {items.map((h) => (
                      <option key={h.id} value={h.id}>
                        {h.name}
                      </option>
                    ))}
                  </select>
                </label>
              ) : null}
              <HallRoster key={hall.id} hall={hall} />
            </>
          );
        }}
      </Async>
      <CalendarLink />
    </div>
  );
}

function HallRoster({ hall }: { hall: HallView }) {
  const { lang, hasRole } = useSession();
  const text = ROSTER_TEXT[lang];
  const canEdit = hasRole("admin", "duty_manager");
  const id = encodeURIComponent(hall.id);
  const rosters = useApi<{ items: RosterView[]; names: Record<string, string> }>(`/api/rosters?hallId=${id}`);
  const people = useApi<{ items: Person[] }>(canEdit ? `/api/halls/${id}/roster-people` : null);
  const [version, setVersion] = useState(0);
  const { failure, act } = useAction(() => {
    rosters.reload();
    setVersion((v) => v + 1);
  });
  const zone = hall.timeZone ?? "Asia/Shanghai";
  return (
    <>
      <p class="muted">{text.zoneNote.replace("{zone}", zone)}</p>
      <OnDutyNow key={version} hallId={hall.id} />
      <Async state={rosters}>
        {({ items, names }) => (
          <>
            {items.length === 0 ? <p class="muted">{text.noRoster}</p> : null}
            {items.length === 0 && failure ? <RosterError error={failure} /> : null}
            {items.length === 0 && canEdit ? (
              <button
                type="button"
                class="primary"
                onClick={() =>
                  act(() =>
                    api("POST", "/api/rosters", {
                      name: hall.name,
                      hallIds: [hall.id],
                      timeZone: zone,
                      shifts: [],
                    }),
                  )
                }
              >
                {text.createRoster}
              </button>
            ) : null}
            {!canEdit ? <p class="muted">{text.readOnly}</p> : null}
            {items.map((r) => (
              <RosterCard
                key={r.id}
                roster={r}
                names={names}
                people={canEdit ? (people.data?.items ?? []) : null}
                act={act}
                failure={failure}
              />
            ))}
          </>
        )}
      </Async>
    </>
  );
}

function RosterCard({
  roster,
  names,
  people,
  act,
  failure,
}: {
  roster: RosterView;
  names: Record<string, string>;
  people: Person[] | null;
  act: (action: () => Promise<unknown>) => Promise<void>;
  /** The last change that failed, shown next to the forms. */
  failure: unknown;
}) {
  const { lang } = useSession();
  const text = ROSTER_TEXT[lang];
  const [editing, setEditing] = useState<Shift | "new" | null>(null);
  const save = (shifts: Shift[]) =>
    act(async () => {
      await api("PUT", `/api/rosters/${encodeURIComponent(roster.id)}`, asInput(roster, shifts));
      setEditing(null);
    });
  const current = editing === "new" ? null : editing;
  return (
    <section class="roster-card" aria-label={roster.name}>
      <h2>
        {text.week} · {roster.name}
      </h2>
      <WeekTable shifts={roster.shifts} names={names} {...(people ? { onEdit: setEditing } : {})} />
      {people && editing ? (
        <ShiftForm
          key={current?.id ?? "new"}
          shift={current}
          people={people}
          onCancel={() => setEditing(null)}
          onSave={(shift) =>
            save(
              current
                ? roster.shifts.map((s) => (s.id === current.id ? shift : s))
                : [...roster.shifts, { ...shift, id: undefined as unknown as string }],
            )
          }
          {...(current ? { onDelete: () => save(roster.shifts.filter((s) => s.id !== current.id)) } : {})}
        />
      ) : null}
      {failure ? <RosterError error={failure} /> : null}
      {people && !editing ? (
        <button type="button" onClick={() => setEditing("new")}>
          {text.addShift}
        </button>
      ) : null}
      <RosterChanges roster={roster} names={names} people={people} act={act} />
    </section>
  );
}
