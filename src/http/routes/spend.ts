/**
 * `GET /spend/logs` in LiteLLM's query names: `api_key` (the key itself)
 * or `key_id`, `model`, `start_date`, `end_date`, `limit`. Answers the
 * request-log rows, newest first, as a JSON array. Master key only.
 */
import type { MasterKeyAuth } from '../../auth/master-key.js';
import type { RequestContext } from '../../request-context.js';
import { hashKey } from '../../store/key-material.js';
import type {
  RequestLogRow,
  SpendLogFilter,
  Store,
} from '../../store/types.js';
import type { ExtraRoute } from '../app.js';
import { sendJson } from '../respond.js';
import type { HttpResponse } from '../uws.js';
import { badInput, queryInt, readQuery } from './admin-input.js';

/** What the spend route works on. */
export interface SpendDeps {
  readonly auth: MasterKeyAuth;
  readonly store: Store;
}

const kSpendQuery: ReadonlySet<string> = new Set([
  'api_key',
  'key_id',
  'model',
  'start_date',
  'end_date',
  'limit',
]);

const kDayMs = 86_400_000;
const kDateOnly = /^\d{4}-\d{2}-\d{2}$/;
const kDateTime = /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Epoch ms of a LiteLLM date (`2025-01-31`, a UTC day) or an ISO time.
 * A plain end date includes its whole day.
 */
function dateParam(
  query: ReadonlyMap<string, string>,
  field: 'start_date' | 'end_date',
): number | undefined {
  const raw = query.get(field);
  if (raw === undefined) return undefined;
  const dateOnly = kDateOnly.test(raw);
  if (!dateOnly && !kDateTime.test(raw)) badInput(field);

  const at = Date.parse(dateOnly ? `${raw}T00:00:00Z` : raw);
  if (!Number.isFinite(at)) badInput(field);
  return dateOnly && field === 'end_date' ? at + kDayMs : at;
}

/** The filter the query asks for; null when it names an unknown key. */
async function readFilter(
  d: SpendDeps,
  ctx: RequestContext,
): Promise<SpendLogFilter | null> {
  const query = readQuery(ctx, kSpendQuery);
  const apiKey = query.get('api_key');
  let keyId = query.get('key_id');
  if (apiKey !== undefined && keyId !== undefined) badInput('key_id');
  if (apiKey !== undefined) {
    const rec = await d.store.getKeyByHash(hashKey(apiKey));
    if (rec === null) return null;
    keyId = rec.keyId;
  }

  const since = dateParam(query, 'start_date');
  const until = dateParam(query, 'end_date');
  const limit = queryInt(query, 'limit', { min: 1, max: 1000, dflt: 100 });
  const model = query.get('model');
  return { keyId, model, since, until, limit };
}

/** One row as `/spend/logs` shows it: snake_case, times in ISO-8601. */
export function spendRowView(row: RequestLogRow): Record<string, unknown> {
  const view: Record<string, unknown> = {
    request_id: row.requestId,
    trace_id: row.traceId,
    started_at: new Date(row.startedAt).toISOString(),
    route: row.route,
    key_id: row.keyId,
    requested_model: row.requestedModel,
    model_group: row.modelGroup,
    deployment: row.deployment,
    strategy: row.strategy,
    routing_score: row.routingScore,
    stream: row.stream,
    status: row.status,
    outcome: row.outcome,
    error_code: row.errorCode,
    latency_ms: row.latencyMs,
    ttft_ms: row.ttftMs,
    input_tokens: row.inputTokens,
    output_tokens: row.outputTokens,
    cost_usd: row.costUsd,
  };
  // Text exists only where `routeiq_settings.log_text` stored it.
  if (row.promptText != null) view['prompt_text'] = row.promptText;
  if (row.completionText != null) view['completion_text'] = row.completionText;
  return view;
}

async function spendLogs(d: SpendDeps, res: HttpResponse, ctx: RequestContext) {
  d.auth.requireMaster(ctx.headers.authorization);
  const filter = await readFilter(d, ctx);

  const rows = filter === null ? [] : await d.store.spendLogs(filter);
  sendJson(res, ctx, 200, JSON.stringify(rows.map(spendRowView)));
}

/** The spend routes, for `buildApp`'s extra list. */
export function spendRoutes(d: SpendDeps): ExtraRoute[] {
  return [
    {
      method: 'get',
      path: '/spend/logs',
      body: (_svc, res, ctx) => spendLogs(d, res, ctx),
    },
  ];
}
