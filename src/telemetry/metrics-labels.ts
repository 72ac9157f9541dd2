/**
 * Closed label sets. Every label value the gateway exports comes from
 * one of these: names fixed by the config at start-up, status classes,
 * or a small capped set of codes that only our own code produces. A
 * client can never add a series by sending a new model name or header.
 */

/** The value for a name outside a closed set. */
export const kOther = 'other';

/**
 * Names fixed at construction, each with a dense index; anything else
 * maps to `other` (the last index). Lookup is one Map.get.
 */
export class ClosedLabels {
  readonly names: readonly string[];
  readonly otherIndex: number;
  private readonly index = new Map<string, number>();

  constructor(names: Iterable<string>) {
    const list: string[] = [];
    for (const n of names) {
      if (n === kOther || this.index.has(n)) continue;
      this.index.set(n, list.length);
      list.push(n);
    }
    this.otherIndex = list.length;
    list.push(kOther);
    this.names = Object.freeze(list);
  }

  /** Index of `name`, or of `other` when it is not in the set. */
  indexOf(name: string | null): number {
    if (name === null) return this.otherIndex;
    return this.index.get(name) ?? this.otherIndex;
  }

  /** Label value of `name`. */
  valueOf(name: string | null): string {
    return this.names[this.indexOf(name)] as string;
  }
}

const kCodeRe = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/**
 * Values produced by our own code (error codes, fallback reasons) whose
 * full list no single module owns: accepted while they look like codes
 * and fewer than `capacity` are known, then `other`.
 */
export class CappedLabels {
  private readonly seen = new Set<string>();

  constructor(private readonly capacity: number) {}

  valueOf(raw: string | null): string {
    if (raw === null || raw === '') return kOther;
    if (this.seen.has(raw)) return raw;
    if (this.seen.size >= this.capacity || !kCodeRe.test(raw)) return kOther;
    this.seen.add(raw);
    return raw;
  }
}

/** Status classes; index = hundreds digit, 0 for no status sent. */
export const kStatusClasses = Object.freeze([
  'none',
  '1xx',
  '2xx',
  '3xx',
  '4xx',
  '5xx',
]);

/** Index into kStatusClasses of an HTTP status (0 when none was sent). */
export function statusClassIndex(status: number): number {
  const c = Math.floor(status / 100);
  return c >= 1 && c <= 5 ? c : 0;
}

/** Routing outcomes of the routing-latency histogram. */
export const kRoutingOutcomes = Object.freeze(['ok', 'fallback', 'error']);

// The OpenAI inference routes app.ts registers (with and without /v1):
// the requests LiteLLM's request counters count.
const kLlmRoutes: ReadonlySet<string> = new Set([
  '/v1/chat/completions',
  '/chat/completions',
  '/v1/completions',
  '/completions',
  '/v1/embeddings',
  '/embeddings',
]);

/** True for the routes whose requests reach a model. */
export function isLlmRoute(route: string): boolean {
  return kLlmRoutes.has(route);
}
