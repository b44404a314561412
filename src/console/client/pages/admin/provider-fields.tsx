import { CONTACTS_TEXT, type ContactsText } from "../../i18n/contacts.js";
import type { Lang } from "../../i18n.js";

/** Personal provider channels: configured once, they send only to people (see docs/notifications.md). */
export const PROVIDER_TYPES = ["aliyun_sms", "tencent_sms", "wecom_app", "dingtalk_notice"] as const;
export const isProvider = (type: string) => (PROVIDER_TYPES as readonly string[]).includes(type);

type Kind = "text" | "secret" | "number" | "list" | "map";
interface FieldSpec {
  key: keyof ContactsText & string;
  kind: Kind;
  placeholder?: string;
  optional?: boolean;
}

const FIELDS: Record<(typeof PROVIDER_TYPES)[number], FieldSpec[]> = {
  aliyun_sms: [
    { key: "accessKeyId", kind: "text" },
    { key: "accessKeySecret", kind: "secret" },
    { key: "signName", kind: "text" },
    { key: "templateCode", kind: "text", placeholder: "SMS_123456789" },
    {
      key: "templateParam",
      kind: "map",
      placeholder: "hall=hall, fault=fault, severity=severity, link=link",
      optional: true,
    },
    { key: "endpoint", kind: "text", placeholder: "dysmsapi.aliyuncs.com", optional: true },
  ],
  tencent_sms: [
    { key: "secretId", kind: "text" },
    { key: "secretKey", kind: "secret" },
    { key: "sdkAppId", kind: "text", placeholder: "1400000000" },
    { key: "signName", kind: "text" },
    { key: "templateId", kind: "text" },
    { key: "templateParams", kind: "list", placeholder: "hall, fault, severity, link", optional: true },
    { key: "region", kind: "text", placeholder: "ap-guangzhou", optional: true },
    { key: "endpoint", kind: "text", placeholder: "sms.tencentcloudapi.com", optional: true },
  ],
  wecom_app: [
    { key: "corpId", kind: "text" },
    { key: "corpSecret", kind: "secret" },
    { key: "agentId", kind: "number" },
    { key: "apiBaseUrl", kind: "text", placeholder: "https://qyapi.weixin.qq.com", optional: true },
  ],
  dingtalk_notice: [
    { key: "appKey", kind: "text" },
    { key: "appSecret", kind: "secret" },
    { key: "agentId", kind: "number" },
    { key: "apiBaseUrl", kind: "text", placeholder: "https://oapi.dingtalk.com", optional: true },
  ],
};

const shown = (kind: Kind, value: unknown): string => {
  if (value === undefined || value === null) return "";
  if (kind === "list" && Array.isArray(value)) return value.join(", ");
  if (kind === "map" && typeof value === "object")
    return Object.entries(value as Record<string, string>)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ");
  return String(value);
};

/** The inputs of one provider type, filled from an existing channel (secrets left empty: empty keeps them). */
export function ProviderFields({
  type,
  lang,
  config,
}: {
  type: string;
  lang: Lang;
  config?: Record<string, unknown>;
}) {
  const c = CONTACTS_TEXT[lang];
  const fields = FIELDS[type as keyof typeof FIELDS] ?? [];
  return (
    <>
      <p class="muted">{c.providerNote}</p>
      {fields.map((f) => (
        <label key={`${type}-${f.key}`}>
          {c[f.key]}
          <input
            name={`p_${f.key}`}
            type={f.kind === "secret" ? "password" : f.kind === "number" ? "number" : "text"}
            autocomplete="off"
            required={!f.optional && !(f.kind === "secret" && config?.[f.key])}
            placeholder={f.placeholder ?? ""}
            defaultValue={f.kind === "secret" ? "" : shown(f.kind, config?.[f.key])}
          />
        </label>
      ))}
    </>
  );
}

/** The provider's config from the form; an empty secret sends back the masked value, which keeps the stored one. */
export function providerConfig(type: string, data: FormData, existing?: Record<string, unknown>) {
  const config: Record<string, unknown> = { type };
  for (const f of FIELDS[type as keyof typeof FIELDS] ?? []) {
    const raw = String(data.get(`p_${f.key}`) ?? "").trim();
    if (f.kind === "secret") {
      if (raw) config[f.key] = raw;
      else if (existing?.[f.key]) config[f.key] = existing[f.key];
      continue;
    }
    if (!raw) {
      if (!f.optional) config[f.key] = "";
      continue;
    }
    if (f.kind === "number") config[f.key] = Number(raw);
    else if (f.kind === "list") config[f.key] = raw.split(/[,，\s]+/).filter(Boolean);
    else if (f.kind === "map")
      config[f.key] = Object.fromEntries(
        raw
          .split(/[,，]/)
          .map((pair) => pair.split("=").map((s) => s.trim()))
          .filter((p) => p[0]),
      );
    else config[f.key] = raw;
  }
  return config;
}
