import { useState } from "preact/hooks";
import { api } from "../../api.js";
import { ConfirmButton } from "../../components/confirm.js";
import { ErrorNote } from "../../components/errors.js";
import { Async, useApi } from "../../components/use-api.js";
import { ADMIN_TEXT } from "../../i18n/admin.js";
import { codeLabel } from "../../i18n/codes.js";
import { useSession } from "../../session.js";
import type { DeviceView, HallView } from "../../types.js";

type AdminDevice = DeviceView & { retired: boolean };

/** Each device's name and zone (kept over its agent's next birth), and retiring a device that is gone. */
export function DevicesAdmin({ halls }: { halls: HallView[] }) {
  const { lang } = useSession();
  const a = ADMIN_TEXT[lang];
  const devices = useApi<{ items: AdminDevice[] }>("/api/devices?includeRetired=true");
  const [failure, setFailure] = useState<unknown>(null);
  const [saved, setSaved] = useState("");
  const act = async (key: string, action: () => Promise<unknown>) => {
    setFailure(null);
    setSaved("");
    try {
      await action();
      setSaved(key);
    } catch (err) {
      setFailure(err);
    }
    devices.reload();
  };
  const hallName = (id: string) => halls.find((h) => h.id === id)?.name ?? id;
  return (
    <>
      <h2>{a.devices}</h2>
      {failure ? <ErrorNote error={failure} /> : null}
      <Async state={devices}>
        {({ items }) => (
          <ul class="rows" data-testid="admin-devices">
            {items.map((d) => {
              const key = `${d.hallId}/${d.deviceId}`;
              return (
                <li key={key} data-device-row={key} class={d.retired ? "off" : undefined}>
                  <form
                    class="device-form"
                    onSubmit={(event) => {
                      event.preventDefault();
                      const data = new FormData(event.currentTarget);
                      void act(key, () =>
                        api(
                          "PUT",
                          `/api/devices/${encodeURIComponent(d.hallId)}/${encodeURIComponent(d.deviceId)}`,
                          {
                            name: String(data.get("deviceName") ?? "").trim() || null,
                            zone: String(data.get("deviceZone") ?? "").trim(),
                          },
                        ),
                      );
                    }}
                  >
                    <div class="row-main">
                      <strong>{d.name ?? d.deviceId}</strong>
                      <span class="muted">
                        {codeLabel(lang, "kind", d.kind)} · {d.deviceId} · {hallName(d.hallId)}
                        {d.retired ? ` · ${a.retired}` : ""}
                      </span>
                    </div>
                    <label>
                      {a.deviceName}
                      <input name="deviceName" defaultValue={d.name ?? ""} maxLength={128} />
                    </label>
                    <label>
                      {a.deviceZone}
                      <input name="deviceZone" defaultValue={d.zone} required maxLength={64} />
                    </label>
                    <div class="row-actions">
                      <button type="submit">{a.save}</button>
                      {d.retired ? null : (
                        <ConfirmButton
                          class="danger retire"
                          label={a.retire}
                          question={`${a.retireQ} (${d.name ?? d.deviceId})`}
                          onConfirm={() =>
                            act(key, () =>
                              api(
                                "POST",
                                `/api/devices/${encodeURIComponent(d.hallId)}/${encodeURIComponent(d.deviceId)}/retire`,
                              ),
                            )
                          }
                        />
                      )}
                      {saved === key ? (
                        <span class="notice ok" role="status">
                          {a.saved}
                        </span>
                      ) : null}
                    </div>
                  </form>
                </li>
              );
            })}
          </ul>
        )}
      </Async>
    </>
  );
}
