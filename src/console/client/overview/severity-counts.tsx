import { OVERVIEW_TEXT } from "../i18n/overview.js";
import { useSession } from "../session.js";
import { SEVERITIES, type Severity } from "./worst.js";

/** Open alerts per severity, as a row of labelled counts (the colour repeats what the word says). */
export function SeverityCounts({ counts }: { counts: Record<Severity, number> }) {
  const { t, lang } = useSession();
  return (
    <ul class="sev-counts" aria-label={OVERVIEW_TEXT[lang].openAlerts}>
      {SEVERITIES.map((s) => (
        <li
          key={s}
          class={`sev-count sev-bg-${s} ${counts[s] === 0 ? "zero" : ""}`}
          data-testid={`sev-count-${s}`}
          data-count={counts[s]}
        >
          <span class="n">{counts[s]}</span> <span>{t.severity[s]}</span>
        </li>
      ))}
    </ul>
  );
}
