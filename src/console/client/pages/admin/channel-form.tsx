import { useState } from "preact/hooks";
import { api } from "../../api.js";
import { ErrorNote } from "../../components/errors.js";
import { ADMIN_TEXT } from "../../i18n/admin.js";
import { codeLabel } from "../../i18n/codes.js";
import { useSession } from "../../session.js";
import { isProvider, PROVIDER_TYPES, ProviderFields, providerConfig } from "./provider-fields.js";

export interface ChannelRow {
  id: string;
  name: string;
  language: "zh" | "en";
  enabled: boolean;
  config: { type: string; url?: string; secret?: string } & Record<string, unknown>;
}

/** Robot and webhook channels the form can add; e-mail channels are configured in the config file or the API. */
export const FORM_TYPES = ["wecom", "dingtalk", "feishu", "webhook", ...PROVIDER_TYPES] as const;

/** The body of a PUT that changes only what is given: masked values sent back as listed keep the stored ones. */
export const channelBody = (c: ChannelRow, changes: Partial<Omit<ChannelRow, "id">> = {}) => ({
  name: c.name,
  language: c.language,
  enabled: c.enabled,
  config: c.config,
  ...changes,
});

/** Adds a channel (without `existing`) or edits one: name, language, URL, secret, enabled. */
export function ChannelForm({ existing, onSaved }: { existing?: ChannelRow; onSaved: () => void }) {
  const { lang } = useSession();
  const a = ADMIN_TEXT[lang];
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const isEmail = existing?.config.type === "email";
  const [chosen, setChosen] = useState<string>(existing?.config.type ?? "wecom");
  const provider = isProvider(chosen);
  return (
    <form
      class="stack admin-form"
      data-testid={existing ? "channel-edit" : "channel-form"}
      onSubmit={async (event) => {
        event.preventDefault();
        const form = event.currentTarget;
        const data = new FormData(form);
        const type = existing?.config.type ?? String(data.get("channelType") ?? "wecom");
        const secret = String(data.get("channelSecret") ?? "");
        const config = isEmail
          ? existing?.config
          : provider
            ? providerConfig(type, data, existing?.config)
            : {
                type,
                url: String(data.get("channelUrl") ?? ""),
                ...(secret ? { secret } : existing?.config.secret ? { secret: existing.config.secret } : {}),
              };
        const body = {
          name: String(data.get("channelName") ?? ""),
          language: String(data.get("channelLanguage") ?? "zh"),
          enabled: existing ? data.get("enabled") === "on" : true,
          config,
        };
        setBusy(true);
        setFailure(null);
        try {
          if (existing) await api("PUT", `/api/notify/channels/${existing.id}`, body);
          else await api("POST", "/api/notify/channels", body);
          if (!existing) form.reset();
          onSaved();
        } catch (err) {
          setFailure(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      {existing ? (
        <p class="muted">{codeLabel(lang, "channel", existing.config.type)}</p>
      ) : (
        <label>
          {a.channelType}
          <select name="channelType" value={chosen} onChange={(e) => setChosen(e.currentTarget.value)}>
            {FORM_TYPES.map((type) => (
              <option key={type} value={type}>
                {codeLabel(lang, "channel", type)}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        {a.channelName}
        <input name="channelName" required maxLength={100} defaultValue={existing?.name} />
      </label>
      {provider ? <ProviderFields type={chosen} lang={lang} config={existing?.config} /> : null}
      {isEmail || provider ? null : (
        <>
          <label>
            {a.url}
            <input name="channelUrl" type="url" required defaultValue={existing?.config.url} />
          </label>
          <label>
            {a.secret}
            <input
              name="channelSecret"
              type="password"
              autocomplete="off"
              placeholder={existing?.config.secret ? a.secretKeep : ""}
            />
          </label>
        </>
      )}
      <label>
        {a.language}
        <select name="channelLanguage">
          {(["zh", "en"] as const).map((code) => (
            <option key={code} value={code} selected={(existing?.language ?? lang) === code}>
              {code === "zh" ? a.langZh : a.langEn}
            </option>
          ))}
        </select>
      </label>
      {existing ? (
        <label class="check">
          <input type="checkbox" name="enabled" defaultChecked={existing.enabled} />
          {a.enabled}
        </label>
      ) : null}
      {failure ? <ErrorNote error={failure} /> : null}
      <button type="submit" class="primary" disabled={busy}>
        {existing ? a.save : a.addChannel}
      </button>
    </form>
  );
}
