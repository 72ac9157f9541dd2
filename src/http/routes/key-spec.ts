/**
 * The body of `POST /key/generate` in LiteLLM's names
 * (https://docs.litellm.ai/docs/proxy/virtual_keys), narrowed to what
 * the key cache creates. `metadata` is accepted and ignored so LiteLLM
 * clients keep working; any other unknown field is refused.
 */
import type { NewKeySpec } from '../../store/key-cache.js';
import { badInput, optNumber, optString, stringList } from './admin-input.js';

/** Fields `/key/generate` accepts. */
export const kGenerateFields: ReadonlySet<string> = new Set([
  'models',
  'max_budget',
  'rpm_limit',
  'tpm_limit',
  'duration',
  'expires',
  'key_alias',
  'metadata',
]);

const kUnitMs: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

// LiteLLM's duration strings: a count and one unit, e.g. "30d", "1h".
const kDuration = /^(\d{1,6})([smhdw])$/;

/** Milliseconds of a duration like "30d" or "1h"; null when malformed. */
export function parseDuration(text: string): number | null {
  const m = kDuration.exec(text.trim());
  if (m === null) return null;
  const ms = Number(m[1]) * (kUnitMs[m[2] ?? ''] ?? NaN);
  return ms > 0 ? ms : null;
}

function expiresAt(body: Record<string, unknown>, now: number): number | null {
  const duration = optString(body, 'duration', 32);
  const expires = optString(body, 'expires', 64);
  if (duration !== null && expires !== null) badInput('expires');

  if (duration !== null) {
    const ms = parseDuration(duration);
    if (ms === null) badInput('duration');
    return now + ms;
  }
  if (expires !== null) {
    // An ISO-8601 time; a key that is born expired is a mistake.
    const at = Date.parse(expires);
    if (!Number.isFinite(at) || at <= now) badInput('expires');
    return at;
  }
  return null;
}

function checkMetadata(body: Record<string, unknown>): void {
  const m = body['metadata'];
  if (m === undefined || m === null) return;
  if (typeof m !== 'object' || Array.isArray(m)) badInput('metadata');
}

/** The key to create, from a body already checked for unknown fields. */
export function readKeySpec(
  body: Record<string, unknown>,
  now: number,
): NewKeySpec {
  checkMetadata(body);
  return {
    alias: optString(body, 'key_alias', 256),
    models: [...new Set(stringList(body, 'models', 1000))],
    maxBudget: optNumber(body, 'max_budget', { min: 0 }),
    rpmLimit: optNumber(body, 'rpm_limit', { min: 1, int: true }),
    tpmLimit: optNumber(body, 'tpm_limit', { min: 1, int: true }),
    expiresAt: expiresAt(body, now),
  };
}
