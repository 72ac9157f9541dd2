/**
 * Counts what each finished request used against its virtual key: tokens
 * for the tpm window, cost for the budget. The cost is the request-log
 * row's, so the budget and `/spend/logs` agree on every request.
 */
import type { RequestContext } from '../request-context.js';
import type { KeyCache } from '../store/key-cache.js';
import type { GatewayObserver } from '../telemetry/observer.js';
import { toRow } from '../telemetry/request-log-observer.js';
import { isBuiltInCaller } from './master-key.js';

/** Observer that feeds `KeyCache.recordUsage` after each request. */
export class KeyUsageObserver implements GatewayObserver {
  private readonly keys: KeyCache;

  constructor(keys: KeyCache) {
    this.keys = keys;
  }

  onRequestEnd(ctx: RequestContext): void {
    const keyId = ctx.keyId;
    if (keyId === null || isBuiltInCaller(keyId)) return;
    if (ctx.usage.inputTokens === null && ctx.usage.outputTokens === null) {
      return;
    }

    const row = toRow(ctx, false);
    const tokens = (row.inputTokens ?? 0) + (row.outputTokens ?? 0);
    this.keys.recordUsage(keyId, tokens, row.costUsd ?? 0);
  }
}
