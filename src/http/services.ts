/**
 * What the HTTP layer needs from the rest of the gateway, gathered once
 * at start-up and passed to every route.
 */
import type { GatewayConfig } from '../config/types.js';
import type { GatewayError } from '../errors.js';
import type { Router } from '../routing/router.js';
import type { CompositeObserver } from '../telemetry/observer.js';

/** Who is calling, once authenticated. */
export interface Caller {
  /** 'master', a virtual key id, or 'anonymous' when auth is off. */
  readonly keyId: string;
  /** Models this caller may use; null means any. */
  readonly models: ReadonlySet<string> | null;
}

/** Authenticates bearer tokens; may consult a cache or the database. */
export interface Authenticator {
  readonly required: boolean;
  authenticate(authorization: string): Caller | Promise<Caller>;
  /** Per-request checks after routing: model access, limits, budget. */
  authorize?(caller: Caller, model: string): GatewayError | null;
}

/** Lifecycle flags shared by health routes and admission control. */
export interface GatewayState {
  ready: boolean;
  draining: boolean;
  inFlight: number;
  readonly startedAt: number;
}

/** Everything a route handler may use. */
export interface Services {
  readonly config: GatewayConfig;
  readonly router: Router;
  readonly observer: CompositeObserver;
  readonly state: GatewayState;
  readonly auth: Authenticator;
  /** Extra JSON for `/health` (store counters, router models, ...). */
  readonly healthExtras: Array<() => Record<string, unknown>>;
  /** Checks that report a degraded (still serving) gateway. */
  readonly degraded: Array<() => boolean>;
  /** Prometheus text for `/metrics`; null until metrics are set up. */
  metricsText: (() => Promise<string>) | null;
}
