/**
 * Virtual-key administration in LiteLLM's paths: `POST /key/generate`,
 * `GET /key/info`, `GET /key/list`, `POST /key/delete`. Every route needs
 * the master key itself (no master key configured: no admin). A key is
 * shown once, in the answer that creates it; everything else shows ids.
 */
import { KeyNotFoundError } from '../../errors.js';
import type { MasterKeyAuth } from '../../auth/master-key.js';
import type { RequestContext } from '../../request-context.js';
import { hashKey } from '../../store/key-material.js';
import type { KeyCache } from '../../store/key-cache.js';
import type { Store } from '../../store/types.js';
import type { ExtraRoute } from '../app.js';
import { sendJson } from '../respond.js';
import type { HttpResponse } from '../uws.js';
import {
  badInput,
  queryInt,
  readJsonObject,
  readQuery,
  stringList,
} from './admin-input.js';
import { kGenerateFields, readKeySpec } from './key-spec.js';
import { keyView } from './key-view.js';

/** What the admin routes work on. */
export interface AdminDeps {
  readonly auth: MasterKeyAuth;
  readonly keys: KeyCache;
  readonly store: Store;
}

const kInfoQuery: ReadonlySet<string> = new Set(['key', 'key_id']);
const kListQuery: ReadonlySet<string> = new Set(['page', 'size']);
const kDeleteFields: ReadonlySet<string> = new Set(['keys', 'key_ids']);
const kMaxDelete = 1000;

function send(res: HttpResponse, ctx: RequestContext, body: unknown): void {
  sendJson(res, ctx, 200, JSON.stringify(body));
}

async function generate(d: AdminDeps, res: HttpResponse, ctx: RequestContext) {
  d.auth.requireMaster(ctx.headers.authorization);
  const body = await readJsonObject(res, ctx, kGenerateFields);
  const spec = readKeySpec(body, Date.now());

  const { key, record } = await d.keys.createKey(spec);
  send(res, ctx, { key, ...keyView(record, 0) });
}

/** `?key=<the key>` as LiteLLM takes it, or `?key_id=`. */
async function info(d: AdminDeps, res: HttpResponse, ctx: RequestContext) {
  d.auth.requireMaster(ctx.headers.authorization);
  const query = readQuery(ctx, kInfoQuery);
  const key = query.get('key');
  const keyId = query.get('key_id');
  if ((key === undefined) === (keyId === undefined)) badInput('key_id');

  const rec =
    key !== undefined
      ? await d.store.getKeyByHash(hashKey(key))
      : await d.store.getKeyById(keyId ?? '');
  if (rec === null) throw new KeyNotFoundError({ param: 'key_id' });
  const usage = d.keys.usageOf(rec.keyId);
  send(res, ctx, {
    key_id: rec.keyId,
    info: {
      ...keyView(rec, rec.spend),
      // The last minute, this replica's and the others' last exchanged.
      current_rpm: usage.requests,
      current_tpm: usage.tokens,
    },
  });
}

/** Every key, oldest first, paged as LiteLLM pages (`page`, `size`). */
async function list(d: AdminDeps, res: HttpResponse, ctx: RequestContext) {
  d.auth.requireMaster(ctx.headers.authorization);
  const query = readQuery(ctx, kListQuery);
  const page = queryInt(query, 'page', { min: 1, max: 1e6, dflt: 1 });
  const size = queryInt(query, 'size', { min: 1, max: 1000, dflt: 100 });

  const all = await d.store.listKeys();
  const slice = all.slice((page - 1) * size, page * size);
  send(res, ctx, {
    keys: slice.map((rec) => keyView(rec, rec.spend)),
    total_count: all.length,
    current_page: page,
    total_pages: Math.ceil(all.length / size),
  });
}

async function idsToDelete(d: AdminDeps, body: Record<string, unknown>) {
  const keys = stringList(body, 'keys', kMaxDelete);
  const ids = new Set(stringList(body, 'key_ids', kMaxDelete));
  if (keys.length === 0 && ids.size === 0) badInput('key_ids');

  // A raw key is found by its hash; an expired key can still be deleted.
  const found = await Promise.all(
    keys.map((k) => d.store.getKeyByHash(hashKey(k))),
  );
  for (const rec of found) if (rec !== null) ids.add(rec.keyId);
  return ids;
}

/**
 * Deleting is idempotent: the answer lists the ids actually deleted, by
 * id only, so keys passed in the body are never repeated back.
 */
async function remove(d: AdminDeps, res: HttpResponse, ctx: RequestContext) {
  d.auth.requireMaster(ctx.headers.authorization);
  const body = await readJsonObject(res, ctx, kDeleteFields);
  const ids = await idsToDelete(d, body);

  const deleted: string[] = [];
  for (const id of ids) {
    if (await d.keys.deleteKey(id)) deleted.push(id);
  }
  send(res, ctx, { deleted_keys: deleted });
}

type AdminBody = (
  d: AdminDeps,
  res: HttpResponse,
  ctx: RequestContext,
) => Promise<void>;

function route(
  method: ExtraRoute['method'],
  path: string,
  d: AdminDeps,
  body: AdminBody,
): ExtraRoute {
  return { method, path, body: (_svc, res, ctx) => body(d, res, ctx) };
}

/** The key routes, for `buildApp`'s extra list. */
export function adminKeyRoutes(d: AdminDeps): ExtraRoute[] {
  return [
    route('post', '/key/generate', d, generate),
    route('get', '/key/info', d, info),
    route('get', '/key/list', d, list),
    route('post', '/key/delete', d, remove),
  ];
}
