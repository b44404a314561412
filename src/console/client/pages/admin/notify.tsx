import { useState } from "preact/hooks";
import { api } from "../../api.js";
import { ConfirmButton } from "../../components/confirm.js";
import { Drawer } from "../../components/drawer.js";
import { ErrorNote } from "../../components/errors.js";
import { useAction } from "../../components/use-action.js";
import { Async, useApi } from "../../components/use-api.js";
import { formatTime } from "../../dom.js";
import { ADMIN_TEXT } from "../../i18n/admin.js";
import { codeLabel } from "../../i18n/codes.js";
import { useSession } from "../../session.js";
import { ChannelForm, type ChannelRow, channelBody } from "./channel-form.js";
import { RulesAdmin } from "./rules.js";

interface Delivery {
  atMs: number;
  channelId: string;
  action: string;
  attempt: number;
  ok: boolean;
}

/** Notification channels (add, edit, disable, test, delete), routing rules and the delivery log. */
export function NotifyAdmin() {
  const { lang } = useSession();
  const a = ADMIN_TEXT[lang];
  const channels = useApi<{ items: ChannelRow[] }>("/api/notify/channels");
  const deliveries = useApi<{ items: Delivery[] }>("/api/notify/deliveries?limit=30");
  const [editing, setEditing] = useState<ChannelRow | null>(null);
  const [tested, setTested] = useState<{ name: string; ok: boolean } | null>(null);
  const { failure, act } = useAction(() => {
    channels.reload();
    deliveries.reload();
  });
  return (
    <>
      <h1>{a.channels}</h1>
      {failure ? <ErrorNote error={failure} /> : null}
      {tested ? (
        <p class={tested.ok ? "notice ok" : "notice bad"} role="status">
          {tested.name}: {tested.ok ? a.testSent : a.testFailed}
        </p>
      ) : null}
      <Async state={channels}>
        {({ items }) => (
          <>
            {items.length === 0 ? <p class="muted">{a.noChannels}</p> : null}
            <ul class="rows" data-testid="channels">
              {items.map((c) => (
                <li key={c.id} data-channel={c.name} class={c.enabled ? undefined : "off"}>
                  <div class="row-main">
                    <strong>{c.name}</strong>
                    <span>{codeLabel(lang, "channel", c.config.type)}</span>
                    {c.config.url ? <span class="muted url">{c.config.url}</span> : null}
                    <span class={c.enabled ? "state" : "state bad"}>
                      {c.enabled ? a.enabled : a.disabled}
                    </span>
                  </div>
                  <div class="row-actions">
                    <button
                      type="button"
                      class="test"
                      onClick={() =>
                        act(async () => {
                          const r = await api<{ ok: boolean }>(
                            "POST",
                            `/api/notify/channels/${encodeURIComponent(c.id)}/test`,
                          );
                          setTested({ name: c.name, ok: r.ok });
                        })
                      }
                    >
                      {a.sendTest}
                    </button>
                    <button type="button" class="edit" onClick={() => setEditing(c)}>
                      {a.edit}
                    </button>
                    {c.enabled ? (
                      <ConfirmButton
                        class="danger disable"
                        label={a.disable}
                        question={`${a.disableChannelQ} (${c.name})`}
                        onConfirm={() =>
                          act(() =>
                            api(
                              "PUT",
                              `/api/notify/channels/${encodeURIComponent(c.id)}`,
                              channelBody(c, { enabled: false }),
                            ),
                          )
                        }
                      />
                    ) : (
                      <button
                        type="button"
                        class="enable"
                        onClick={() =>
                          act(() =>
                            api(
                              "PUT",
                              `/api/notify/channels/${encodeURIComponent(c.id)}`,
                              channelBody(c, { enabled: true }),
                            ),
                          )
                        }
                      >
                        {a.enable}
                      </button>
                    )}
                    <ConfirmButton
                      class="danger delete"
                      label={a.deleteChannel}
                      question={`${a.deleteChannelQ} (${c.name})`}
                      onConfirm={() =>
                        act(() => api("DELETE", `/api/notify/channels/${encodeURIComponent(c.id)}`))
                      }
                    />
                  </div>
                </li>
              ))}
            </ul>
            <h2>{a.addChannel}</h2>
            <ChannelForm onSaved={channels.reload} />
            <RulesAdmin channels={items} />
          </>
        )}
      </Async>
      <h2>{a.deliveries}</h2>
      <Async state={deliveries}>
        {({ items }) =>
          items.length === 0 ? (
            <p class="muted">{a.noDeliveries}</p>
          ) : (
            <ul class="rows compact" data-testid="deliveries">
              {items.map((d) => (
                <li key={`${d.atMs}-${d.channelId}-${d.attempt}`} class={d.ok ? undefined : "off"}>
                  <span>{formatTime(d.atMs, lang)}</span>
                  <span>{channels.data?.items.find((c) => c.id === d.channelId)?.name ?? d.channelId}</span>
                  <span>{a.attempt.replace("{n}", String(d.attempt))}</span>
                  <span class={d.ok ? "state" : "state bad"}>{d.ok ? a.ok : a.failed}</span>
                </li>
              ))}
            </ul>
          )
        }
      </Async>
      {editing ? (
        <Drawer title={`${a.editChannel}: ${editing.name}`} onClose={() => setEditing(null)}>
          <ChannelForm
            existing={editing}
            onSaved={() => {
              setEditing(null);
              channels.reload();
            }}
          />
        </Drawer>
      ) : null}
    </>
  );
}
