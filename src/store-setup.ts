/**
 * Wires the store into a gateway: the request log (one row per admitted
 * proxy request, DB spans when tracing is on), virtual keys as bearer
 * tokens with their limits and spend, the admin routes, `/health`
 * counters, and a flush at shutdown. A database that is down at start
 * costs log rows a wait in the queue, never the gateway's start.
 */
import { installVirtualKeys } from './auth/virtual-keys.js';
import { KeyUsageObserver } from './auth/key-usage-observer.js';
import type { MasterKeyAuth } from './auth/master-key.js';
import { GatewayError } from './errors.js';
import type { Component } from './gateway.js';
import type { ExtraRoute } from './http/app.js';
import { adminKeyRoutes } from './http/routes/admin-keys.js';
import { spendRoutes } from './http/routes/spend.js';
import type { Services } from './http/services.js';
import { createStore, KeyCache } from './store/index.js';
import type { Store } from './store/index.js';
import { errorCode } from './store/error-code.js';
import { dbSpanHook } from './telemetry/db-spans.js';
import { getLogger } from './telemetry/logger.js';
import { RequestLogObserver } from './telemetry/request-log-observer.js';
import type { Tracing } from './telemetry/tracing.js';

const log = getLogger('store');

/** What the gateway hands over; `components` gets the store's closer. */
export interface StoreSetupInput {
  readonly svc: Services;
  readonly auth: MasterKeyAuth;
  readonly tracing: Tracing | null;
  readonly components: Component[];
  readonly extra: ExtraRoute[];
}

/** The started store and key cache. */
export interface StoreSetup {
  readonly store: Store;
  readonly keys: KeyCache;
}

/** Build, start and wire the store named by the config. */
export async function setupStore(input: StoreSetupInput): Promise<StoreSetup> {
  const { svc, auth, tracing } = input;
  const rq = svc.config.routeiq;
  const store = createStore({
    url: svc.config.generalSettings.databaseUrl ?? undefined,
    queueCapacity: rq.logQueueCapacity,
    logText: rq.logText,
    hooks: tracing === null ? {} : { onBatchWritten: dbSpanHook(tracing) },
  });
  const keys = new KeyCache(store, {
    refreshIntervalMs: rq.keyRefreshMs,
    usageSyncMs: rq.keyUsageSyncMs,
  });
  // Registered before anything can fail, so the worker or pool is closed.
  input.components.push({
    name: 'store',
    close: async () => {
      keys.stop();
      await store.close();
    },
  });

  await startQuietly(store, keys);
  installVirtualKeys(auth, keys);
  svc.observer.add(new RequestLogObserver(store, rq.logText));
  svc.observer.add(new KeyUsageObserver(keys));
  svc.healthExtras.push(() => ({
    store: { kind: store.kind, ...store.counters() },
    virtual_keys: keys.size,
  }));
  input.extra.push(
    ...adminKeyRoutes({ auth, keys, store }),
    ...spendRoutes({ auth, store }),
  );
  return { store, keys };
}

/**
 * Start the store and load the keys. Failures are logged, not thrown:
 * rows queue and are retried, known keys load on the next refresh, and
 * until then unknown keys are refused (the cache fails closed).
 */
async function startQuietly(store: Store, keys: KeyCache): Promise<void> {
  try {
    await store.start();
  } catch (err: unknown) {
    // Codes only: a driver message may quote the URL and its password.
    const cause = err instanceof GatewayError ? err.details?.['code'] : null;
    log.error(
      { kind: store.kind, code: errorCode(err), cause },
      'store unavailable',
    );
  }
  const loaded = await keys.start();
  if (!loaded) log.warn({ kind: store.kind }, 'virtual keys not loaded yet');
  log.info({ kind: store.kind, keys: keys.size }, 'store started');
}
