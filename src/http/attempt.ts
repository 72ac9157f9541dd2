/**
 * One upstream attempt: send, wait for the status and the first byte,
 * and either commit the response to the client or report a failure that
 * the caller may retry. Nothing is written downstream before the first
 * upstream byte, which is what makes retries safe.
 */
import {
  GatewayError,
  InternalError,
  UpstreamBadResponseError,
  UpstreamRejectedError,
} from '../errors.js';
import {
  errorForStatus,
  mapTransportError,
} from '../providers/upstream-errors.js';
import type { Operation, UpstreamResponse } from '../providers/types.js';
import { Cancellation } from '../providers/cancellation.js';
import type { RequestContext } from '../request-context.js';
import type { Deployment } from '../routing/deployment.js';
import { relayStream } from './relay.js';
import type { ParsedRequest } from './request-schema.js';
import { sendJson } from './respond.js';
import type { HeaderList } from './respond.js';
import type { Services } from './services.js';
import { SseScanner } from './sse-scanner.js';
import type { HttpResponse } from './uws.js';
import { parseRetryAfter } from './retry-policy.js';

/** How an attempt ended, for the retry loop. */
export type AttemptOutcome =
  | { readonly kind: 'done' }
  | {
      readonly kind: 'failed';
      readonly error: GatewayError;
      readonly retryAfterMs: number | null;
    };

const kDone: AttemptOutcome = Object.freeze({ kind: 'done' });
const kMaxErrorBody = 64 * 1024;
const kMaxJsonBody = 64 * 1024 * 1024;

/** Inputs of an attempt. */
export interface AttemptInput {
  readonly svc: Services;
  readonly res: HttpResponse;
  readonly ctx: RequestContext;
  readonly op: Operation;
  readonly req: ParsedRequest;
  readonly dep: Deployment;
  readonly attempt: number;
  readonly headers: HeaderList;
}

function upstreamBody(input: AttemptInput): { body: string; strip: boolean } {
  const src = input.req.body;
  const out: Record<string, unknown> = {
    ...src,
    model: input.dep.config.upstreamModel,
  };
  const so = src['stream_options'] as Record<string, unknown> | undefined;
  // Ask for usage on the client's behalf so tokens are always logged,
  // and drop that chunk again if the client did not ask for it.
  const strip = input.req.stream && so?.['include_usage'] !== true;
  if (strip) out['stream_options'] = { ...so, include_usage: true };
  return { body: JSON.stringify(out), strip };
}

/** `text` with the deployment's provider key blanked out, if present. */
export function scrubSecret(text: string, secret: string | null): string {
  if (secret === null || secret.length < 4) return text;
  return text.split(secret).join('[redacted]');
}

/** Forward a non-2xx answer that is the client's own fault (4xx). */
function passThrough(input: AttemptInput, status: number, raw: Buffer) {
  // An upstream may quote the credential it rejected: never pass it on.
  raw = Buffer.from(scrubSecret(raw.toString('utf8'), input.dep.config.apiKey));
  let body: string;
  try {
    const parsed = JSON.parse(raw.toString('utf8')) as { error?: unknown };
    if (typeof parsed.error !== 'object' || parsed.error === null) throw 0;
    const e = parsed.error as Record<string, unknown>;
    body = JSON.stringify({
      error: {
        message:
          typeof e['message'] === 'string'
            ? e['message']
            : 'Upstream rejected the request.',
        type:
          typeof e['type'] === 'string' ? e['type'] : 'invalid_request_error',
        param: typeof e['param'] === 'string' ? e['param'] : null,
        code: typeof e['code'] === 'string' ? e['code'] : null,
      },
    });
  } catch {
    body = JSON.stringify({
      error: {
        message: 'The upstream provider rejected the request.',
        type: 'invalid_request_error',
        param: null,
        code: 'upstream_rejected',
      },
    });
  }
  input.ctx.outcome = 'invalid_request';
  input.ctx.errorCode = UpstreamRejectedError.spec.code;
  sendJson(input.res, input.ctx, status, body, input.headers);
}

function readUsage(ctx: RequestContext, json: unknown): void {
  const u = (json as { usage?: Record<string, unknown> } | null)?.usage;
  if (u === undefined || u === null) return;
  const pt = u['prompt_tokens'];
  const ct = u['completion_tokens'];
  ctx.usage.inputTokens = typeof pt === 'number' ? pt : null;
  ctx.usage.outputTokens = typeof ct === 'number' ? ct : null;
}

async function commitJson(input: AttemptInput, up: UpstreamResponse) {
  const raw = await up.collect(kMaxJsonBody).catch((err: unknown) => {
    if (err instanceof RangeError) throw new UpstreamBadResponseError();
    throw err;
  });
  input.ctx.ttftMs = input.ctx.elapsedMs();
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new UpstreamBadResponseError({ cause: err });
  }
  readUsage(input.ctx, json);
  sendJson(input.res, input.ctx, 200, raw, input.headers);
}

async function commitStream(
  input: AttemptInput,
  up: UpstreamResponse,
  strip: boolean,
) {
  const it = up.body[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done === true) throw new UpstreamBadResponseError();
  input.ctx.ttftMs = input.ctx.elapsedMs();
  const scanner = new SseScanner(strip, input.dep.config.apiKey);
  input.svc.observer.onStreamOpen(input.ctx);
  try {
    await relayStream({
      res: input.res,
      ctx: input.ctx,
      first: first.value,
      rest: it,
      drained: up.drained ?? (() => false),
      scanner,
      headers: input.headers,
      stallMs: input.svc.config.routeiq.streamStallTimeoutMs,
    });
  } finally {
    input.svc.observer.onStreamClose(input.ctx);
  }
  input.ctx.usage.inputTokens = scanner.facts.inputTokens;
  input.ctx.usage.outputTokens = scanner.facts.outputTokens;
}

/** Run one attempt against `input.dep`. */
export async function runAttempt(input: AttemptInput): Promise<AttemptOutcome> {
  const { ctx, dep, svc } = input;
  const provider = dep.provider;
  if (provider === null) return failed(new InternalError(), null);
  const { body, strip } = upstreamBody(input);
  const cancel = new Cancellation();
  ctx.onAbort = () => cancel.cancel();
  const extra = svc.observer.onUpstreamStart(ctx, dep, input.attempt);
  const t0 = performance.now();
  let status = 0;
  let error: GatewayError | null = null;
  let up: UpstreamResponse | null = null;
  dep.inFlight++;
  dep.minuteCount++;
  try {
    up = await provider.send({
      operation: input.op,
      body,
      stream: input.req.stream,
      cancel,
      headers: { 'x-request-id': ctx.id, ...extra },
      promptChars: input.req.promptChars,
    });
    status = up.statusCode;
    if (ctx.aborted) return kDone;
    if (status < 200 || status >= 300) {
      const raw = await up.collect(kMaxErrorBody).catch(() => Buffer.alloc(0));
      error = errorForStatus(status);
      if (error === null) {
        passThrough(input, status, raw);
        return kDone;
      }
      return failed(error, parseRetryAfter(up.retryAfter));
    }
    if (input.req.stream) await commitStream(input, up, strip);
    else await commitJson(input, up);
    return kDone;
  } catch (err) {
    if (ctx.aborted) return kDone;
    const mapped = mapTransportError(err);
    error =
      mapped instanceof GatewayError
        ? mapped
        : new InternalError({ cause: err });
    return failed(error, null);
  } finally {
    dep.inFlight--;
    ctx.onAbort = null;
    up?.dispose();
    const durationMs = performance.now() - t0;
    ctx.upstreamMs = durationMs;
    svc.observer.onUpstreamEnd(ctx, dep, {
      status: error?.statusCode ?? status,
      errorCode: error?.code ?? null,
      ttftMs: ctx.ttftMs,
      durationMs,
    });
  }
}

function failed(
  error: GatewayError,
  retryAfterMs: number | null,
): AttemptOutcome {
  return { kind: 'failed', error, retryAfterMs };
}
