import { useState } from "preact/hooks";
import { api } from "../../api.js";
import { ConfirmButton } from "../../components/confirm.js";
import { ErrorNote } from "../../components/errors.js";
import { Async, useApi } from "../../components/use-api.js";
import { codeLabel } from "../../i18n/codes.js";
import { INSPECTION_TEXT } from "../../inspections-i18n.js";
import { href } from "../../router.js";
import { useSession } from "../../session.js";
import type { HallView } from "../../types.js";
import { formatDay } from "./format.js";
import { ActionRow, ImportForm, PolicyForm, ReportLinks } from "./hall-forms.js";
import { type Action, type Asset, assetPath, POLICY_SETTERS, REGISTRARS } from "./types.js";

/** Every hall's fire assets with this period's status, the open corrective actions, labels and the report. */
export function FireAssets() {
  const { lang } = useSession();
  const halls = useApi<{ items: HallView[] }>("/api/halls");
  return (
    <section class="fire-assets">
      <h1>{INSPECTION_TEXT[lang].nav}</h1>
      <Async state={halls}>
        {({ items }) => items.map((hall) => <HallAssets key={hall.id} hall={hall} />)}
      </Async>
    </section>
  );
}

function HallAssets({ hall }: { hall: HallView }) {
  const { lang, hasRole } = useSession();
  const t = INSPECTION_TEXT[lang];
  const base = `/api/halls/${encodeURIComponent(hall.id)}`;
  const assets = useApi<{ items: Asset[]; timeZone: string }>(`${base}/fire-assets`);
  const actions = useApi<{ items: Action[] }>(`${base}/corrective-actions?status=open`);
  const canRegister = hasRole(...REGISTRARS);
  const [retireError, setRetireError] = useState<unknown>(null);
  const refresh = () => {
    assets.reload();
    actions.reload();
  };
  return (
    <Async state={assets}>
      {(list) => {
        const open = actions.data?.items ?? [];
        if (list.items.length === 0 && open.length === 0 && !canRegister) return null;
        return (
          <section class="fire-hall" data-testid={`fire-${hall.id}`}>
            <h2>{hall.name}</h2>
            <ReportLinks base={base} timeZone={list.timeZone} />
            <div class="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th>{t.assets}</th>
                    <th>{t.location}</th>
                    <th>{t.type}</th>
                    <th>{t.period}</th>
                    <th>{t.nextService}</th>
                    {canRegister ? <th>{t.retire}</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {list.items.map((a) => (
                    <tr key={a.id} class={a.currentStatus ?? ""}>
                      <td>
                        <a href={href("inspect", hall.id, a.id)}>{a.id}</a>
                      </td>
                      <td>{a.location}</td>
                      <td>{codeLabel(lang, "assetType", a.type)}</td>
                      <td data-testid={`status-${a.id}`}>
                        {a.currentStatus === "not_due" && a.notDueUntil
                          ? t.notDueUntil(formatDay(a.notDueUntil, lang))
                          : a.currentStatus
                            ? (t.status[a.currentStatus] ?? a.currentStatus)
                            : "—"}
                      </td>
                      <td>{a.nextServiceDate}</td>
                      {canRegister ? (
                        <td>
                          <ConfirmButton
                            label={t.retire}
                            question={t.retireQuestion(`${a.id} · ${a.location}`)}
                            onConfirm={async () => {
                              setRetireError(null);
                              try {
                                await api(
                                  "DELETE",
                                  `/api/halls/${encodeURIComponent(hall.id)}/fire-assets/${encodeURIComponent(a.id)}`,
                                );
                              } catch (err) {
                                setRetireError(err);
                              }
                              refresh();
                            }}
                          />
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {retireError ? <ErrorNote error={retireError} /> : null}
            {canRegister ? <ImportForm hallId={hall.id} onImported={refresh} /> : null}
            {hasRole(...POLICY_SETTERS) ? <PolicyForm hallId={hall.id} /> : null}
            {open.length > 0 ? <h3>{t.openActions}</h3> : null}
            {open.map((action) => (
              <ActionRow key={action.id} action={action} onClosed={refresh} />
            ))}
          </section>
        );
      }}
    </Async>
  );
}
