import { api } from "../../api.js";
import { ConfirmButton } from "../../components/confirm.js";
import { ErrorNote } from "../../components/errors.js";
import { useAction } from "../../components/use-action.js";
import { Async, useApi } from "../../components/use-api.js";
import { ROSTER_TEXT } from "../../i18n/roster.js";
import { useSession } from "../../session.js";

/** The person's own calendar-feed address to subscribe to on their phone, and rotating it. */
export function CalendarLink() {
  const { lang } = useSession();
  const text = ROSTER_TEXT[lang];
  const state = useApi<{ url: string }>("/api/me/calendar-url");
  const { failure, act } = useAction(state.reload);
  return (
    <section class="roster-calendar" aria-labelledby="calendar-title">
      <h2 id="calendar-title">{text.calendar}</h2>
      <p class="muted">{text.calendarHint}</p>
      <Async state={state}>
        {({ url }) => (
          <>
            <label>
              {text.calendarUrl}
              <input type="text" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
            </label>
            <ConfirmButton
              label={text.rotate}
              question={text.rotateQuestion}
              onConfirm={() => act(() => api("POST", "/api/me/calendar-url/rotate"))}
            />
          </>
        )}
      </Async>
      {failure ? <ErrorNote error={failure} /> : null}
    </section>
  );
}
