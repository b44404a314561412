import { useState } from "preact/hooks";
import { api } from "../../api.js";
import { ErrorNote } from "../../components/errors.js";
import { Async, useApi } from "../../components/use-api.js";
import { codeLabel } from "../../i18n/codes.js";
import { REPORT_SCHEDULE_TEXT } from "../../i18n/report-schedule.js";
import { useSession } from "../../session.js";
import { hallClock } from "./zone-time.js";

/** The API's schedule (src/core/reports/schedule.ts). */
export interface Schedule {
  daily: { enabled: boolean; afterCloseMin: number };
  weekly: { enabled: boolean; time: string };
  monthly: { enabled: boolean; day: number; time: string };
  dutyManagers: boolean;
  channelIds: string[];
  hqChannelIds: string[];
}
interface ScheduleView {
  timeZone: string;
  stored: boolean;
  schedule: Schedule;
  next: Record<"day" | "week" | "month", string | null>;
  canEdit: boolean;
  channels: { id: string; name: string; type: string }[];
}

/** When this hall's reports go out and to whom; editable by admins and the hall's duty manager (as the API allows). */
export function ReportScheduleSection({ hallId }: { hallId: string }) {
  const { lang } = useSession();
  const text = REPORT_SCHEDULE_TEXT[lang];
  const state = useApi<ScheduleView>(`/api/halls/${encodeURIComponent(hallId)}/report-schedule`);
  return (
    <section
      class="report-schedule card"
      data-testid="report-schedule"
      aria-labelledby="report-schedule-title"
    >
      <h2 id="report-schedule-title">{text.title}</h2>
      <p class="muted">{text.intro}</p>
      <Async state={state}>
        {(view) => (
          <>
            <NextRuns view={view} />
            {view.canEdit ? (
              <ScheduleForm hallId={hallId} view={view} onSaved={() => state.reload()} />
            ) : null}
          </>
        )}
      </Async>
    </section>
  );
}

function NextRuns({ view }: { view: ScheduleView }) {
  const { lang } = useSession();
  const text = REPORT_SCHEDULE_TEXT[lang];
  const rows: [string, string | null][] = [
    [text.daily, view.next.day],
    [text.weekly, view.next.week],
    [text.monthly, view.next.month],
  ];
  return (
    <dl class="report-next" data-testid="report-next">
      {rows.map(([label, iso]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{iso ? `${text.next}: ${hallClock(Date.parse(iso), view.timeZone)}` : text.off}</dd>
        </div>
      ))}
    </dl>
  );
}

function ScheduleForm({
  hallId,
  view,
  onSaved,
}: {
  hallId: string;
  view: ScheduleView;
  onSaved: () => void;
}) {
  const { lang } = useSession();
  const text = REPORT_SCHEDULE_TEXT[lang];
  const [draft, setDraft] = useState<Schedule>(view.schedule);
  const [status, setStatus] = useState("");
  const [error, setError] = useState<unknown>(null);
  const change = (next: Schedule) => {
    setStatus("");
    setDraft(next);
  };
  const toggle = (list: string[], id: string, on: boolean) =>
    on ? [...list.filter((x) => x !== id), id] : list.filter((x) => x !== id);
  const save = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      await api("PUT", `/api/halls/${encodeURIComponent(hallId)}/report-schedule`, draft);
      setStatus(text.saved);
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  const channelBoxes = (field: "channelIds" | "hqChannelIds", testId: string) =>
    view.channels.length === 0 ? (
      <p class="muted">{text.noChannels}</p>
    ) : (
      view.channels.map((c) => (
        <label key={c.id} class="check">
          <input
            type="checkbox"
            data-testid={`${testId}-${c.id}`}
            checked={draft[field].includes(c.id)}
            onChange={(e) =>
              change({ ...draft, [field]: toggle(draft[field], c.id, e.currentTarget.checked) })
            }
          />
          {`${c.name} (${codeLabel(lang, "channel", c.type)})`}
        </label>
      ))
    );
  return (
    <form class="report-schedule-form" data-testid="report-schedule-form" onSubmit={save}>
      <fieldset>
        <legend>{text.daily}</legend>
        <label class="check">
          <input
            type="checkbox"
            name="dailyEnabled"
            checked={draft.daily.enabled}
            onChange={(e) =>
              change({ ...draft, daily: { ...draft.daily, enabled: e.currentTarget.checked } })
            }
          />
          {text.enabled}
        </label>
        <label>
          {text.afterCloseMin}
          <input
            type="number"
            name="afterCloseMin"
            min={0}
            max={240}
            required
            value={draft.daily.afterCloseMin}
            onInput={(e) =>
              change({ ...draft, daily: { ...draft.daily, afterCloseMin: e.currentTarget.valueAsNumber } })
            }
          />
        </label>
        <p class="muted">{text.closedNote}</p>
      </fieldset>
      <fieldset>
        <legend>{text.weekly}</legend>
        <label class="check">
          <input
            type="checkbox"
            name="weeklyEnabled"
            checked={draft.weekly.enabled}
            onChange={(e) =>
              change({ ...draft, weekly: { ...draft.weekly, enabled: e.currentTarget.checked } })
            }
          />
          {text.enabled}
        </label>
        <label>
          {text.mondayAt}
          <input
            type="time"
            name="weeklyTime"
            required
            value={draft.weekly.time}
            onInput={(e) => change({ ...draft, weekly: { ...draft.weekly, time: e.currentTarget.value } })}
          />
        </label>
      </fieldset>
      <fieldset>
        <legend>{text.monthly}</legend>
        <label class="check">
          <input
            type="checkbox"
            name="monthlyEnabled"
            checked={draft.monthly.enabled}
            onChange={(e) =>
              change({ ...draft, monthly: { ...draft.monthly, enabled: e.currentTarget.checked } })
            }
          />
          {text.enabled}
        </label>
        <label>
          {text.dayOfMonth}
          <select
            name="monthlyDay"
            value={String(draft.monthly.day)}
            onChange={(e) =>
              change({ ...draft, monthly: { ...draft.monthly, day: Number(e.currentTarget.value) } })
            }
          >
            {[1, 2, 3].map((n) => (
              <option key={n} value={String(n)}>
                {text.day(n)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {text.monthlyAt}
          <input
            type="time"
            name="monthlyTime"
            required
            value={draft.monthly.time}
            onInput={(e) => change({ ...draft, monthly: { ...draft.monthly, time: e.currentTarget.value } })}
          />
        </label>
      </fieldset>
      <fieldset>
        <legend>{text.recipients}</legend>
        <label class="check">
          <input
            type="checkbox"
            name="dutyManagers"
            checked={draft.dutyManagers}
            onChange={(e) => change({ ...draft, dutyManagers: e.currentTarget.checked })}
          />
          {text.dutyManagers}
        </label>
        <h3>{text.channels}</h3>
        {channelBoxes("channelIds", "report-channel")}
        <h3>{text.hqChannels}</h3>
        {channelBoxes("hqChannelIds", "report-hq")}
      </fieldset>
      <div class="actions">
        <button type="submit" class="primary">
          {text.save}
        </button>
        <span role="status" data-testid="report-schedule-status">
          {status}
        </span>
      </div>
      {error ? <ErrorNote error={error} /> : null}
    </form>
  );
}
