import { useState } from "preact/hooks";
import { api } from "../../api.js";
import { ConfirmButton } from "../../components/confirm.js";
import { codeLabel } from "../../i18n/codes.js";
import { ROSTER_TEXT } from "../../i18n/roster.js";
import { useSession } from "../../session.js";
import { PeoplePicker } from "./people-picker.js";
import { DUTY_ROLES, type Person, type RosterView } from "./types.js";

type Act = (action: () => Promise<unknown>) => Promise<void>;

/** Dated overrides and swaps of a roster: the list for everyone, delete and add for its editors. */
export function RosterChanges({
  roster,
  names,
  people,
  act,
}: {
  roster: RosterView;
  names: Record<string, string>;
  /** Null for people who may only read. */
  people: Person[] | null;
  act: Act;
}) {
  const { lang } = useSession();
  const text = ROSTER_TEXT[lang];
  const name = (u: string) => names[u] ?? people?.find((p) => p.username === u)?.displayName ?? u;
  return (
    <>
      <h3>{text.overrides}</h3>
      {roster.overrides.length === 0 ? <p class="muted">{text.noOverrides}</p> : null}
      <ul class="roster-overrides">
        {roster.overrides.map((o) => (
          <li key={o.id}>
            <span>
              {o.date ?? `${o.from?.replace("T", " ")} – ${o.to?.replace("T", " ")}`} ·{" "}
              {codeLabel(lang, "role", o.role)} · {o.usernames.map(name).join("、")}
            </span>
            {people ? (
              <ConfirmButton
                label={text.remove}
                question={text.removeItem}
                onConfirm={() =>
                  act(() => api("DELETE", `/api/rosters/${encodeURIComponent(roster.id)}/overrides/${o.id}`))
                }
              />
            ) : null}
          </li>
        ))}
      </ul>
      {people ? (
        <OverrideForm
          people={people}
          onAdd={(body) =>
            act(() => api("POST", `/api/rosters/${encodeURIComponent(roster.id)}/overrides`, body))
          }
        />
      ) : null}
      <h3>{text.swaps}</h3>
      {roster.swaps.length === 0 ? <p class="muted">{text.noSwaps}</p> : null}
      <ul class="roster-swaps">
        {roster.swaps.map((s) => (
          <li key={s.id}>
            <span>
              {s.date} · {text.swapText.replace("{from}", name(s.from)).replace("{to}", name(s.to))}
            </span>
            {people ? (
              <ConfirmButton
                label={text.remove}
                question={text.removeItem}
                onConfirm={() =>
                  act(() => api("DELETE", `/api/rosters/${encodeURIComponent(roster.id)}/swaps/${s.id}`))
                }
              />
            ) : null}
          </li>
        ))}
      </ul>
      {people ? (
        <SwapForm
          people={people}
          onAdd={(body) =>
            act(() => api("POST", `/api/rosters/${encodeURIComponent(roster.id)}/swaps`, body))
          }
        />
      ) : null}
    </>
  );
}

function OverrideForm({ people, onAdd }: { people: Person[]; onAdd: (body: unknown) => Promise<void> }) {
  const { lang } = useSession();
  const text = ROSTER_TEXT[lang];
  const [f, setF] = useState({ date: "", from: "", to: "", role: "duty_manager", usernames: [] as string[] });
  const [problem, setProblem] = useState("");
  const submit = async (event: Event) => {
    event.preventDefault();
    if (f.usernames.length === 0) return setProblem(text.pickPeople);
    setProblem("");
    // With both times, the override runs from one to the other (past midnight when "to" is earlier).
    const next = (d: string) => new Date(Date.parse(`${d}T00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const body =
      f.from && f.to
        ? {
            role: f.role,
            from: `${f.date}T${f.from}`,
            to: `${f.to > f.from ? f.date : next(f.date)}T${f.to}`,
            usernames: f.usernames,
          }
        : { role: f.role, date: f.date, usernames: f.usernames };
    await onAdd(body);
    setF({ ...f, usernames: [] });
  };
  return (
    <form class="override-form" onSubmit={submit}>
      <label>
        {text.date}
        <input
          type="date"
          required
          value={f.date}
          onInput={(e) => setF({ ...f, date: e.currentTarget.value })}
        />
      </label>
      <div class="times">
        <label>
          {text.fromTime}
          <input type="time" value={f.from} onInput={(e) => setF({ ...f, from: e.currentTarget.value })} />
        </label>
        <label>
          {text.toTime}
          <input type="time" value={f.to} onInput={(e) => setF({ ...f, to: e.currentTarget.value })} />
        </label>
      </div>
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
      <button type="submit">{text.addOverride}</button>
    </form>
  );
}

function SwapForm({ people, onAdd }: { people: Person[]; onAdd: (body: unknown) => Promise<void> }) {
  const { lang } = useSession();
  const text = ROSTER_TEXT[lang];
  const [f, setF] = useState({ date: "", from: people[0]?.username ?? "", to: people[1]?.username ?? "" });
  const submit = async (event: Event) => {
    event.preventDefault();
    await onAdd(f);
  };
  const select = (label: string, key: "from" | "to") => (
    <label>
      {label}
      <select value={f[key]} onChange={(e) => setF({ ...f, [key]: e.currentTarget.value })}>
        {people.map((p) => (
          <option key={p.username} value={p.username}>
            {p.displayName}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <form class="swap-form" onSubmit={submit}>
      <label>
        {text.date}
        <input
          type="date"
          required
          value={f.date}
          onInput={(e) => setF({ ...f, date: e.currentTarget.value })}
        />
      </label>
      {select(text.swapFrom, "from")}
      {select(text.swapTo, "to")}
      <button type="submit">{text.addSwap}</button>
    </form>
  );
}
