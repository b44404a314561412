import { DateTime } from "luxon";
import { z } from "zod";
import { canSeeHall, type Principal } from "../../auth/principal.js";
import { caller, requireRole } from "../../auth/request-auth.js";
import { hallIdSchema } from "../../contract/index.js";
import type { FireAssetInput } from "../../core/inspections/assets.js";
import { inspectionPolicySchema } from "../../core/inspections/policy.js";
import { inspectionSubmissionSchema } from "../../core/inspections/record.js";
import { AssetCsvError } from "../../inspections/asset-csv.js";
import { InspectionError } from "../../inspections/inspection-service.js";
import { LabelAddressError, labelBase, labelSheetHtml } from "../../inspections/qr-labels.js";
import { complianceCsv, complianceHtml } from "../../reports/compliance-report.js";
import type { ApiDeps } from "../app.js";
import { auditor } from "../audit.js";
import { ApiError } from "../errors.js";
import type { TypedApp } from "./types.js";

const REGISTRARS = ["admin", "maintenance"] as const;
const INSPECTORS = ["security", "duty_manager"] as const;
const POLICY_SETTERS = ["admin", "duty_manager"] as const;
const FIXERS = ["maintenance"] as const;
const PRINTABLE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
const APPEND_ONLY = "inspection records are append-only: POST a correction with correctsId instead";

/** Maps the service's errors to API errors with their problems listed. */
function apiError(err: unknown): never {
  if (err instanceof AssetCsvError) throw new ApiError("bad_request", "asset CSV refused", err.problems);
  if (err instanceof InspectionError) {
    const code = {
      no_hall: "not_found",
      no_asset: "not_found",
      no_record: "not_found",
      no_action: "not_found",
      invalid: "bad_request",
      already_corrected: "conflict",
      action_closed: "conflict",
    } as const;
    throw new ApiError(code[err.code], err.message, err.problems.length > 0 ? err.problems : undefined);
  }
  throw err;
}

function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    apiError(err);
  }
}

async function guardedAsync<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    apiError(err);
  }
}

/** Fire assets, inspection policy, inspections (append-only), corrective actions, compliance and QR labels. */
export async function registerInspectionRoutes(app: TypedApp, deps: ApiDeps): Promise<void> {
  const service = deps.inspections;
  if (!service) return;
  const audit = auditor(deps);
  const hallParams = z.object({ hallId: hallIdSchema });
  const assetParams = z.object({ hallId: hallIdSchema, assetId: z.string().min(1).max(64) });

  const visibleHall = (p: Principal, hallId: string) => {
    if (!deps.halls.get(hallId) || !canSeeHall(p, hallId))
      throw new ApiError("not_found", `no hall ${hallId}`);
  };

  app.addContentTypeParser(
    ["text/csv", "text/plain"],
    { parseAs: "string", bodyLimit: 2_000_000 },
    (_r, body, done) => done(null, body),
  );

  // ---- registry ----------------------------------------------------------------------------------

  app.get(
    "/api/halls/:hallId/fire-assets",
    {
      schema: {
        params: hallParams,
        querystring: z.object({ includeRetired: z.stringbool().default(false) }),
      },
    },
    async (request) => {
      const { hallId } = request.params;
      visibleHall(caller(request), hallId);
      const status = guarded(() => service.statusesNow(hallId));
      return {
        policy: service.policy(hallId),
        timeZone: service.timeZone(hallId),
        items: service.listAssets(hallId, request.query.includeRetired).map((s) => ({
          ...s.asset,
          createdMs: s.createdMs,
          updatedMs: s.updatedMs,
          retiredMs: s.retiredMs,
          currentStatus: status.get(s.asset.id)?.status ?? null,
          dueDay: status.get(s.asset.id)?.dueDay ?? null,
          notDueUntil: status.get(s.asset.id)?.notDueUntil ?? null,
        })),
      };
    },
  );

  app.put(
    "/api/halls/:hallId/fire-assets/:assetId",
    {
      schema: { params: assetParams, body: z.record(z.string(), z.unknown()) },
    },
    async (request) => {
      const p = requireRole(request, REGISTRARS);
      const { hallId, assetId } = request.params;
      visibleHall(p, hallId);
      const { before, after } = await guardedAsync(() =>
        service.putAsset(hallId, { ...request.body, id: assetId } as FireAssetInput),
      );
      audit(
        p.username,
        request.ip,
        before ? "fire_asset_updated" : "fire_asset_added",
        `${hallId}/${assetId}`,
        before?.asset,
        after.asset,
      );
      return {
        ...after.asset,
        createdMs: after.createdMs,
        updatedMs: after.updatedMs,
        retiredMs: after.retiredMs,
      };
    },
  );

  app.delete(
    "/api/halls/:hallId/fire-assets/:assetId",
    { schema: { params: assetParams } },
    async (request) => {
      const p = requireRole(request, REGISTRARS);
      const { hallId, assetId } = request.params;
      visibleHall(p, hallId);
      const retired = await guardedAsync(() => service.retireAsset(hallId, assetId));
      audit(p.username, request.ip, "fire_asset_retired", `${hallId}/${assetId}`, retired.asset, {
        retiredMs: retired.retiredMs,
      });
      return { ok: true, retiredMs: retired.retiredMs };
    },
  );

  app.post(
    "/api/halls/:hallId/fire-assets/import",
    { schema: { params: hallParams }, bodyLimit: 2_000_000 },
    async (request) => {
      const p = requireRole(request, REGISTRARS);
      const { hallId } = request.params;
      visibleHall(p, hallId);
      const body = request.body as unknown;
      const csv = typeof body === "string" ? body : (body as { csv?: unknown } | null)?.csv;
      if (typeof csv !== "string")
        throw new ApiError("bad_request", 'send the CSV as text/csv, or as JSON {"csv": "..."}');
      const result = await guardedAsync(() => service.importAssets(hallId, csv));
      audit(p.username, request.ip, "fire_assets_imported", hallId, undefined, result);
      return result;
    },
  );

  app.get("/api/halls/:hallId/fire-assets/:assetId", { schema: { params: assetParams } }, async (request) => {
    const { hallId, assetId } = request.params;
    visibleHall(caller(request), hallId);
    return await guardedAsync(() => service.assetView(hallId, assetId));
  });

  app.get(
    "/api/halls/:hallId/fire-asset-labels",
    { schema: { params: hallParams } },
    async (request, reply) => {
      const { hallId } = request.params;
      const p = caller(request);
      visibleHall(p, hallId);
      const hall = deps.halls.get(hallId) as { id: string; name: string };
      let base: ReturnType<typeof labelBase>;
      try {
        base = labelBase(deps.publicUrl, request);
      } catch (err) {
        if (err instanceof LabelAddressError) throw new ApiError("conflict", err.message);
        throw err;
      }
      const html = await labelSheetHtml(
        hall,
        service.listAssets(hallId).map((s) => s.asset),
        base,
      );
      return reply
        .header("content-type", "text/html; charset=utf-8")
        .header("content-security-policy", PRINTABLE_CSP)
        .send(html);
    },
  );

  // ---- policy ------------------------------------------------------------------------------------

  app.get("/api/halls/:hallId/inspection-policy", { schema: { params: hallParams } }, async (request) => {
    const { hallId } = request.params;
    visibleHall(caller(request), hallId);
    return service.policy(hallId);
  });

  app.put(
    "/api/halls/:hallId/inspection-policy",
    { schema: { params: hallParams, body: inspectionPolicySchema } },
    async (request) => {
      const p = requireRole(request, POLICY_SETTERS);
      const { hallId } = request.params;
      visibleHall(p, hallId);
      const { before, after } = await guardedAsync(() => service.setPolicy(hallId, request.body, p.username));
      audit(p.username, request.ip, "inspection_policy_changed", hallId, before, after);
      return after;
    },
  );

  // ---- inspections (append-only) -------------------------------------------------------------------

  app.post(
    "/api/halls/:hallId/fire-assets/:assetId/inspections",
    { schema: { params: assetParams, body: inspectionSubmissionSchema }, bodyLimit: 4_000_000 },
    async (request, reply) => {
      const p = requireRole(request, INSPECTORS);
      const { hallId, assetId } = request.params;
      visibleHall(p, hallId);
      const result = await guardedAsync(() => service.submit(hallId, assetId, request.body, p.username));
      audit(
        p.username,
        request.ip,
        result.record.correctsId ? "inspection_corrected" : "inspection_recorded",
        result.record.id,
        undefined,
        {
          assetId,
          passed: result.record.passed,
          failedItems: result.record.failedItems,
          correctsId: result.record.correctsId,
        },
      );
      return reply
        .status(201)
        .send({ record: result.record, actions: result.actions, alertId: result.alert?.id ?? null });
    },
  );

  app.get(
    "/api/halls/:hallId/inspections",
    {
      schema: {
        params: hallParams,
        querystring: z.object({
          assetId: z.string().min(1).max(64).optional(),
          fromMs: z.coerce.number().int().min(0).optional(),
          toMs: z.coerce.number().int().min(0).optional(),
          limit: z.coerce.number().int().min(1).max(10_000).default(500),
        }),
      },
    },
    async (request) => {
      const { hallId } = request.params;
      visibleHall(caller(request), hallId);
      return { items: await service.records.records({ hallId, ...request.query }) };
    },
  );

  const recordParams = z.object({ id: z.string().uuid() });
  const visibleRecord = async (request: Parameters<typeof caller>[0], id: string) => {
    const record = await service.records.record(id);
    if (!record || !canSeeHall(caller(request), record.hallId))
      throw new ApiError("not_found", `no inspection record ${id}`);
    return record;
  };

  app.get("/api/inspections/:id", { schema: { params: recordParams } }, async (request) => {
    const record = await visibleRecord(request, request.params.id);
    return {
      record,
      correctedBy: (await service.records.correctionOf(record.id))?.id ?? null,
      actions: await service.records.actions({ hallId: record.hallId, recordIds: [record.id] }),
    };
  });

  app.get("/api/inspections/:id/photo", { schema: { params: recordParams } }, async (request, reply) => {
    const record = await visibleRecord(request, request.params.id);
    const photo = record.photoId ? await service.records.photo(record.photoId) : null;
    if (!photo) throw new ApiError("not_found", "this record has no photo");
    return reply
      .header("content-type", photo.mime)
      .header("cache-control", "private, max-age=86400, immutable")
      .header("x-content-type-options", "nosniff")
      .send(photo.bytes);
  });

  for (const method of ["PUT", "PATCH", "DELETE"] as const) {
    app.route({
      method,
      url: "/api/inspections/:id",
      handler: async () => {
        throw new ApiError("method_not_allowed", APPEND_ONLY);
      },
    });
  }

  // ---- corrective actions --------------------------------------------------------------------------

  app.get(
    "/api/halls/:hallId/corrective-actions",
    {
      schema: {
        params: hallParams,
        querystring: z.object({ status: z.enum(["open", "closed", "all"]).default("open") }),
      },
    },
    async (request) => {
      const { hallId } = request.params;
      visibleHall(caller(request), hallId);
      const { status } = request.query;
      const items = await service.records.actions({
        hallId,
        ...(status === "all" ? {} : { open: status === "open" }),
      });
      return { items: status === "closed" ? items.filter((a) => a.closed) : items };
    },
  );

  app.post(
    "/api/corrective-actions/:id/close",
    { schema: { params: recordParams, body: z.strictObject({ note: z.string().trim().min(1).max(2000) }) } },
    async (request) => {
      const p = requireRole(request, FIXERS);
      const existing = await service.records.action(request.params.id);
      if (!existing || !canSeeHall(p, existing.hallId))
        throw new ApiError("not_found", "no such corrective action");
      const closed = await guardedAsync(() =>
        service.closeAction(existing.id, p.username, request.body.note),
      );
      audit(p.username, request.ip, "corrective_action_closed", closed.id, existing, closed);
      return closed;
    },
  );

  // ---- compliance --------------------------------------------------------------------------------

  app.get(
    "/api/halls/:hallId/inspection-compliance",
    {
      schema: {
        params: hallParams,
        querystring: z.object({
          from: z.iso.date().optional(),
          to: z.iso.date().optional(),
          format: z.enum(["json", "csv", "html"]).default("json"),
        }),
      },
    },
    async (request, reply) => {
      const { hallId } = request.params;
      visibleHall(caller(request), hallId);
      const zone = guarded(() => service.timeZone(hallId));
      const today = DateTime.fromMillis((deps.now ?? Date.now)(), { zone });
      const from = request.query.from ?? (today.startOf("month").toISODate() as string);
      const to = request.query.to ?? (today.toISODate() as string);
      const fromMs = DateTime.fromISO(from, { zone }).toMillis();
      const toMs = DateTime.fromISO(to, { zone }).plus({ days: 1 }).toMillis();
      const report = await guardedAsync(() => service.compliance(hallId, fromMs, toMs));
      if (request.query.format === "csv")
        return reply
          .header("content-type", "text/csv; charset=utf-8")
          .header("content-disposition", `attachment; filename="${hallId}-inspections-${from}-${to}.csv"`)
          .send(complianceCsv(report));
      if (request.query.format === "html")
        return reply
          .header("content-type", "text/html; charset=utf-8")
          .header("content-security-policy", PRINTABLE_CSP)
          .send(complianceHtml(report));
      return report;
    },
  );
}
