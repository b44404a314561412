import { useRef, useState } from "preact/hooks";
import { api } from "../../api.js";
import { errorMessage } from "../../components/errors.js";
import { codeLabel, fieldValue } from "../../i18n/codes.js";
import { INSPECTION_TEXT } from "../../inspections-i18n.js";
import { useSession } from "../../session.js";
import { readPhoto } from "./format.js";
import { type AssetView, assetPath, type Reading } from "./types.js";

type Choice = "pass" | "fail";

/** The checklist a guard answers on the phone, with the sensor's readings beside each item, a note and a photo. */
export function ChecklistForm({
  view,
  hallId,
  canInspect,
  onSubmitted,
}: {
  view: AssetView;
  hallId: string;
  canInspect: boolean;
  onSubmitted: () => void;
}) {
  const { lang } = useSession();
  const t = INSPECTION_TEXT[lang];
  const [choices, setChoices] = useState<Record<string, Choice>>({});
  const [message, setMessage] = useState<{ text: string; tone: "" | "ok" | "bad" }>({ text: "", tone: "" });
  const [done, setDone] = useState(false);
  const [note, setNote] = useState("");
  const photo = useRef<HTMLInputElement>(null);
  const disabled = !canInspect || done;
  const flagged = new Set((view.sensor?.readings ?? []).filter((r) => r.flagged).map((r) => r.item));

  const allPass = () => {
    // A sensor flag is answered item by item: "all pass" leaves flagged items for the inspector to decide.
    const next = { ...choices };
    for (const { item } of view.checklist) if (!flagged.has(item)) next[item] = "pass";
    setChoices(next);
    if (flagged.size > 0) setMessage({ text: t.answerFlagged, tone: "bad" });
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (view.checklist.some(({ item }) => !choices[item])) return setMessage({ text: t.answerAll, tone: "" });
    try {
      const result = await api<{ record: { passed: boolean }; alertId: string | null }>(
        "POST",
        `/api/halls/${encodeURIComponent(hallId)}/fire-assets/${encodeURIComponent(view.asset.id)}/inspections`,
        {
          results: choices,
          // Only the flagged items the inspector passed one by one are confirmed against the sensor.
          sensorConfirmed: [...flagged].filter((item) => choices[item] === "pass"),
          note: note.trim() || null,
          photo: await readPhoto(photo.current?.files?.[0]),
        },
      );
      setMessage(
        result.record.passed
          ? { text: t.submitted, tone: "ok" }
          : { text: `${t.submitted}. ${t.failedOpened}`, tone: "bad" },
      );
      setDone(true);
      onSubmitted();
    } catch (err) {
      setMessage({ text: errorMessage(err, lang), tone: "bad" });
    }
  };

  return (
    <form class="inspect" onSubmit={submit}>
      <h2>{t.checklist}</h2>
      <button type="button" disabled={disabled} onClick={allPass}>
        {t.allPass}
      </button>
      {view.checklist.map(({ item, text }) => {
        const reading = view.sensor?.readings.find((r) => r.item === item);
        return (
          <fieldset
            key={item}
            class={`check-item${reading?.flagged ? " flagged" : ""}`}
            data-testid={`check-${item}`}
          >
            <legend>{text[lang]}</legend>
            {reading ? (
              <p class={reading.flagged ? "bad" : "ok"}>
                {`${codeLabel(lang, "field", reading.name)}: ${readingValue(reading, lang)} — ${reading.note[lang]}`}
              </p>
            ) : null}
            {reading?.flagged ? <p class="muted">{t.flaggedHint}</p> : null}
            {(["pass", "fail"] as const).map((value) => (
              <label key={value} class={`choice ${value}`}>
                <input
                  type="radio"
                  name={`item-${item}`}
                  value={value}
                  data-item={item}
                  disabled={disabled}
                  checked={choices[item] === value}
                  onChange={() => setChoices({ ...choices, [item]: value })}
                />
                {t[value]}
              </label>
            ))}
          </fieldset>
        );
      })}
      <label>
        {t.note}
        <textarea
          name="note"
          rows={3}
          maxLength={2000}
          disabled={disabled}
          value={note}
          onInput={(e) => setNote(e.currentTarget.value)}
        />
      </label>
      <label>
        {t.photo}
        <input
          ref={photo}
          type="file"
          name="photo"
          accept="image/*"
          capture="environment"
          disabled={disabled}
        />
      </label>
      <button type="submit" class="primary" disabled={disabled}>
        {t.submit}
      </button>
      <p class={`notice ${message.tone}`} role="status" data-testid="inspect-message">
        {message.text}
      </p>
    </form>
  );
}

/** A sensor value with its unit; booleans and states in words. */
function readingValue(reading: Reading, lang: "zh" | "en"): string {
  if (typeof reading.value === "boolean") return fieldValue(lang, reading.name, reading.value);
  return `${reading.value}${reading.unit ? ` ${reading.unit}` : ""}`;
}
