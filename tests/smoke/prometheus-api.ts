/**
 * The slice of Prometheus's HTTP API the smoke test reads: instant
 * queries, narrowed from `unknown`, and bounded polling.
 */
import { request } from 'undici';

/** One element of an instant vector. */
export interface VectorSample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: number;
}

function narrow(json: unknown): VectorSample[] {
  const data = (json as { status?: unknown; data?: unknown }).data;
  if ((json as { status?: unknown }).status !== 'success') {
    throw new Error(`query failed: ${JSON.stringify(json)}`);
  }
  const result = (data as { result?: unknown } | undefined)?.result;
  if (!Array.isArray(result)) throw new Error('query: no result vector');
  return result.map((r: unknown) => {
    const o = r as { metric?: unknown; value?: unknown };
    const v = Array.isArray(o.value) ? Number(o.value[1]) : NaN;
    return { metric: (o.metric ?? {}) as Record<string, string>, value: v };
  });
}

/** Run an instant query at Prometheus `api`. */
export async function promQuery(
  api: string,
  query: string,
): Promise<VectorSample[]> {
  const url = `${api}/api/v1/query?query=${encodeURIComponent(query)}`;
  const res = await request(url, { headersTimeout: 5000, bodyTimeout: 5000 });
  return narrow(await res.body.json());
}

/** Values of a query's result vector. */
export function promValues(v: readonly VectorSample[]): number[] {
  return v.map((s) => s.value);
}

/**
 * Poll `query` every 250 ms until its single value satisfies `ok`, for at
 * most `ms`. A Prometheus still starting (connection refused, 503) counts
 * as "not yet".
 */
export async function waitFor(
  api: string,
  query: string,
  ok: (v: number) => boolean,
  ms: number,
): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const v = await promQuery(api, query);
      if (v.length === 1 && ok(v[0]?.value ?? NaN)) return true;
    } catch {
      // Not up yet; try again until the deadline.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}
