/**
 * How admin routes show a virtual key: its id and limits in LiteLLM's
 * field names, never the key and never its hash. Only `/key/generate`
 * adds the key itself, once.
 */
import type { VirtualKeyRecord } from '../../store/types.js';

/** The JSON shape of a key in admin answers. */
export interface KeyView {
  readonly key_id: string;
  readonly key_alias: string | null;
  readonly models: readonly string[];
  readonly max_budget: number | null;
  readonly rpm_limit: number | null;
  readonly tpm_limit: number | null;
  /** ISO-8601, or null for a key that never expires. */
  readonly expires: string | null;
  readonly created_at: string;
  /** USD logged against the key so far. */
  readonly spend: number;
}

/** The view of `rec`, with `spend` as the caller knows it. */
export function keyView(rec: VirtualKeyRecord, spend: number): KeyView {
  return {
    key_id: rec.keyId,
    key_alias: rec.alias,
    models: rec.models,
    max_budget: rec.maxBudget,
    rpm_limit: rec.rpmLimit,
    tpm_limit: rec.tpmLimit,
    expires:
      rec.expiresAt === null ? null : new Date(rec.expiresAt).toISOString(),
    created_at: new Date(rec.createdAt).toISOString(),
    spend,
  };
}
