/**
 * Reads Prometheus text exposition as tests need it: scrape over HTTP,
 * parse samples, sum the ones matching some labels, and poll until a
 * condition holds (bounded).
 */
import { request } from 'undici';

/** One sample line. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const kLineRe = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)$/;
const kLabelRe = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parse every sample line (comments skipped). */
export function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = kLineRe.exec(line);
    if (m === null) throw new Error(`unparsable line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(kLabelRe)) {
      labels[l[1] as string] = (l[2] as string).replace(/\\(.)/g, '$1');
    }
    out.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return out;
}

/** Samples named `name` whose labels include `match`. */
export function pick(
  samples: readonly Sample[],
  name: string,
  match: Record<string, string> = {},
): Sample[] {
  return samples.filter(
    (s) =>
      s.name === name &&
      Object.entries(match).every(([k, v]) => s.labels[k] === v),
  );
}

/** Sum of the matching samples; undefined when there are none. */
export function total(
  samples: readonly Sample[],
  name: string,
  match: Record<string, string> = {},
): number | undefined {
  const found = pick(samples, name, match);
  if (found.length === 0) return undefined;
  return found.reduce((a, s) => a + s.value, 0);
}

/**
 * GET `<base>/metrics`, optionally with a bearer token. Connections are
 * not kept alive: a closed gateway still answers on its open ones, and a
 * later gateway may get the same port.
 */
export async function scrape(base: string, token?: string) {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  const res = await request(`${base}/metrics`, { headers, reset: true });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`scrape: ${res.statusCode}`);
  return parse(text);
}

/** Poll `fn` every 25 ms until it returns true or `ms` pass. */
export async function until(
  fn: () => Promise<boolean>,
  ms = 3000,
): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await fn()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}
