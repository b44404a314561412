import { useEffect, useState } from "preact/hooks";
import { OVERVIEW_TEXT } from "../i18n/overview.js";
import { useSession } from "../session.js";
import { alertFeed } from "./alert-feed.js";
import { playCriticalTone, setSoundEnabled, soundEnabled } from "./alert-sound.js";
import { useAlertFeed } from "./use-feed.js";

/** How many recent announcements stay in the live region (each new line is read once). */
const KEEP = 3;

/**
 * Announces each new alert to screen readers (severity and summary in the reader's language), keeps the number of
 * open alerts in the tab's title, and plays a tone for a new critical alert when the user turned sound on.
 */
export function Announcer() {
  const { t, lang } = useSession();
  const feed = useAlertFeed();
  const [lines, setLines] = useState<{ id: number; text: string }[]>([]);
  useEffect(
    () =>
      alertFeed.onArrival((alert, isNew) => {
        if (!isNew || alert.status === "resolved") return;
        const text = `${OVERVIEW_TEXT[lang].newAlert}${lang === "zh" ? "：" : ": "}${t.severity[alert.severity]} — ${alert.summary[lang]}`;
        setLines((previous) => [...previous, { id: Date.now() + Math.random(), text }].slice(-KEEP));
        if (alert.severity === "critical" && soundEnabled()) playCriticalTone();
      }),
    [lang, t],
  );
  const open = feed.active().length;
  useEffect(() => {
    document.title = open > 0 ? `(${open}) ${t.title}` : t.title;
  }, [open, t]);
  useEffect(
    () => () => {
      document.title = t.title;
    },
    [t],
  );
  return (
    <div class="sr-only" aria-live="polite" role="log" data-testid="announcer">
      {lines.map((line) => (
        <p key={line.id}>{line.text}</p>
      ))}
    </div>
  );
}

/** The switch for the critical-alert tone (off by default). */
export function SoundToggle() {
  const { lang } = useSession();
  const [on, setOn] = useState(soundEnabled);
  return (
    <label class="sound-toggle">
      <input
        type="checkbox"
        checked={on}
        onChange={(event) => {
          const next = (event.target as HTMLInputElement).checked;
          setSoundEnabled(next);
          setOn(next);
        }}
      />
      {OVERVIEW_TEXT[lang].sound}
    </label>
  );
}
