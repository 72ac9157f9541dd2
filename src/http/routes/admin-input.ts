/**
 * Input of the admin routes, narrowed from `unknown`: a JSON object body
 * or a query string, each with a closed set of fields. Anything else is a
 * 400 in OpenAI's envelope whose `param` names the field; a field name is
 * echoed only when it looks like one, so a pasted key never comes back.
 */
import { InvalidJsonError, InvalidRequestError } from '../../errors.js';
import type { RequestContext } from '../../request-context.js';
import { readBody } from '../body.js';
import type { HttpResponse } from '../uws.js';

const kFieldName = /^[a-z][a-z0-9_]{0,39}$/;

/** Largest admin body; admin input is small (lists of ids, limits). */
const kMaxAdminBody = 64 * 1024;

/** Refuse the request, naming `param` when it is safe to repeat. */
export function badInput(param: string): never {
  throw new InvalidRequestError({
    param: kFieldName.test(param) ? param : null,
  });
}

/** The body as a JSON object whose every key is in `allowed`. */
export async function readJsonObject(
  res: HttpResponse,
  ctx: RequestContext,
  allowed: ReadonlySet<string>,
): Promise<Record<string, unknown>> {
  const raw = await readBody(res, ctx, kMaxAdminBody);
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (err: unknown) {
    throw new InvalidJsonError({ cause: err });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidRequestError();
  }

  // Own keys only: `__proto__` from JSON.parse is an own key and unknown.
  const body = value as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    if (!allowed.has(key)) badInput(key);
  }
  return body;
}

/** The query string as a map; unknown or repeated fields are refused. */
export function readQuery(
  ctx: RequestContext,
  allowed: ReadonlySet<string>,
): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(ctx.query)) {
    if (!allowed.has(key) || out.has(key)) badInput(key);
    out.set(key, value);
  }
  return out;
}

/** A string field, or null when absent or null. */
export function optString(
  body: Record<string, unknown>,
  field: string,
  maxLength: number,
): string | null {
  const v = body[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || v.length > maxLength) badInput(field);
  return v;
}

/** A finite number >= `min` (an integer when `int`), or null. */
export function optNumber(
  body: Record<string, unknown>,
  field: string,
  opts: { readonly min: number; readonly int?: boolean },
): number | null {
  const v = body[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < opts.min) {
    badInput(field);
  }
  if (opts.int === true && !Number.isInteger(v)) badInput(field);
  return v;
}

/** A list of non-empty strings (at most `maxItems`), or [] when absent. */
export function stringList(
  body: Record<string, unknown>,
  field: string,
  maxItems: number,
): string[] {
  const v = body[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.length > maxItems) badInput(field);
  return v.map((item: unknown) => {
    if (typeof item !== 'string' || item === '' || item.length > 512) {
      badInput(field);
    }
    return item;
  });
}

/** An integer query value in [min, max], or `dflt` when absent. */
export function queryInt(
  query: ReadonlyMap<string, string>,
  field: string,
  range: { readonly min: number; readonly max: number; readonly dflt: number },
): number {
  const raw = query.get(field);
  if (raw === undefined) return range.dflt;
  const n = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= range.min && n <= range.max)) badInput(field);
  return n;
}
