/**
 * Everything one request accumulates on its way through the gateway. It
 * is plain data so metrics, tracing and the request log read the same
 * facts. Invariant: `finished` flips once; sinks run after it does.
 */
import type { RequestOutcome } from './store/types.js';
import type { RoutingDecision } from './routing/strategy.js';

/** Headers read synchronously at the top of the handler. */
export interface RequestHeaders {
  readonly authorization: string;
  readonly traceparent: string;
  readonly tracestate: string;
  readonly baggage: string;
  readonly contentLength: string;
  readonly costWeight: string;
}

/** A request that sent none of the headers the gateway reads. */
export const kNoRequestHeaders: RequestHeaders = Object.freeze({
  authorization: '',
  traceparent: '',
  tracestate: '',
  baggage: '',
  contentLength: '',
  costWeight: '',
});

/** Token usage as reported by the upstream. */
export interface Usage {
  inputTokens: number | null;
  outputTokens: number | null;
}

/** The per-request record. */
export class RequestContext {
  readonly id: string;
  readonly route: string;
  readonly method: string;
  readonly headers: RequestHeaders;
  /** Epoch ms and monotonic ms at arrival. */
  readonly startedAt = Date.now();
  readonly startMono = performance.now();

  aborted = false;
  finished = false;
  stream = false;
  status = 0;
  outcome: RequestOutcome = 'ok';
  errorCode: string | null = null;
  requestedModel = '';
  modelGroup: string | null = null;
  keyId: string | null = null;
  decision: RoutingDecision | null = null;
  routingMs: number | null = null;
  ttftMs: number | null = null;
  upstreamMs: number | null = null;
  attempts = 0;
  readonly usage: Usage = { inputTokens: null, outputTokens: null };
  costUsd: number | null = null;
  promptText: string | null = null;
  /**
   * Raw query string, read by the frame. It may hold a key (`/key/info
   * ?key=`), so it goes to no log, span or row.
   */
  query = '';
  /** Set by tracing: ids of this request's SERVER span. */
  traceId: string | null = null;
  spanId: string | null = null;
  traceFlags = 0;
  /** traceparent of the routing span, handed to inference workers. */
  routingTraceparent: string | null = null;
  /** Opaque slot for the tracer's per-request state. */
  trace: unknown = null;
  /** Called on client abort: stops the upstream call. */
  onAbort: (() => void) | null = null;

  constructor(id: string, method: string, route: string, h: RequestHeaders) {
    this.id = id;
    this.method = method;
    this.route = route;
    this.headers = h;
  }

  /** Milliseconds since arrival. */
  elapsedMs(): number {
    return performance.now() - this.startMono;
  }
}
