import { useState } from "preact/hooks";
import { Async, useApi } from "../components/use-api.js";
import { HALL_TEXT } from "../i18n/hall.js";
import { useSession } from "../session.js";
import { HallOwner } from "./hall/hall-owner.js";
import { MaintenanceWindows } from "./hall/maintenance-list.js";
import { type OpeningHours, OpeningHoursSection } from "./hall/opening-hours.js";
import { Readiness } from "./hall/readiness.js";
import { ReportScheduleSection } from "./hall/report-schedule.js";

interface HallInfo {
  id: string;
  name: string;
  timeZone: string;
}

/** One hall's calendar: the pre-opening verdict, opening hours and maintenance windows, in the hall's zone. */
export function Hall({ hallId }: { hallId: string }) {
  const { lang } = useSession();
  const text = HALL_TEXT[lang];
  const base = `/api/halls/${encodeURIComponent(hallId)}`;
  const hall = useApi<HallInfo>(base);
  const hours = useApi<{ openingHours: OpeningHours | null }>(`${base}/opening-hours`);
  // Saving the hours changes the next opening: the verdict is drawn again.
  const [saves, setSaves] = useState(0);
  return (
    <Async state={hall}>
      {(h) => (
        <section class="hall-page" data-testid="hall-page">
          <h1>{`${h.name} · ${text.hallPage}`}</h1>
          <p class="muted">{text.timeZoneNote(h.timeZone)}</p>
          <HallOwner hallId={h.id} />
          <Async state={hours}>
            {({ openingHours }) => (
              <>
                <Readiness key={saves} hallId={h.id} hasHours={openingHours !== null} />
                <OpeningHoursSection
                  hallId={h.id}
                  hours={openingHours}
                  hallZone={h.timeZone}
                  onSaved={() => {
                    hours.reload();
                    setSaves((n) => n + 1);
                  }}
                />
              </>
            )}
          </Async>
          <MaintenanceWindows hallId={h.id} timeZone={openingZone(hours.data?.openingHours, h.timeZone)} />
          <ReportScheduleSection key={`reports-${saves}`} hallId={h.id} />
        </section>
      )}
    </Async>
  );
}

/** Windows recur in the zone the calendar uses: the opening hours' zone when set, else the hall's. */
function openingZone(hours: OpeningHours | null | undefined, hallZone: string): string {
  return hours?.timeZone ?? hallZone;
}
