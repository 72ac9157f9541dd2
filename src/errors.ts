/**
 * The one error registry (STYLE.md #5). Every failure the gateway can
 * report has a class here with a fixed `code` (GW_ERR_*), the HTTP status
 * and the OpenAI error `type`/`code` it is answered with. Messages are
 * fixed strings; variable parts travel in `details`. A retired code is
 * never reused. Across threads, match errors by `code`, not `instanceof`.
 *
 * OpenAI envelope: https://platform.openai.com/docs/guides/error-codes
 */

/** The static description of one failure. */
export interface ErrorSpec {
  readonly code: string;
  readonly statusCode: number;
  readonly type: string;
  readonly openaiCode: string;
  readonly message: string;
}

/** Options every gateway error accepts. */
export interface GatewayErrorOptions {
  readonly cause?: unknown;
  readonly param?: string | null;
  readonly details?: Readonly<Record<string, unknown>>;
  /** Seconds a client should wait, sent as `retry-after` on 429/503. */
  readonly retryAfter?: number;
}

/** Base class: a failure with a stable code and its HTTP answer. */
export class GatewayError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly type: string;
  readonly openaiCode: string;
  readonly param: string | null;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  readonly retryAfter: number | undefined;

  constructor(spec: ErrorSpec, opts: GatewayErrorOptions = {}) {
    super(spec.message, opts.cause === undefined ? {} : { cause: opts.cause });
    this.name = 'GatewayError';
    this.code = spec.code;
    this.statusCode = spec.statusCode;
    this.type = spec.type;
    this.openaiCode = spec.openaiCode;
    this.param = opts.param ?? null;
    this.details = opts.details;
    this.retryAfter = opts.retryAfter;
  }
}

/** Every registered spec, keyed by code; filled by `define`. */
export const kErrorSpecs = new Map<string, ErrorSpec>();

function define(spec: ErrorSpec) {
  if (kErrorSpecs.has(spec.code)) throw new Error(`dup code ${spec.code}`);
  kErrorSpecs.set(spec.code, Object.freeze(spec));
  return class extends GatewayError {
    static readonly spec = spec;
    constructor(opts?: GatewayErrorOptions) {
      super(spec, opts);
    }
  };
}

const kBad = 'invalid_request_error';
const kUp = 'upstream_error';
const kUnavailable = 'service_unavailable_error';
const kInternal = 'internal_error';

// --- client input -------------------------------------------------------

export class InvalidJsonError extends define({
  code: 'GW_ERR_INVALID_JSON',
  statusCode: 400,
  type: kBad,
  openaiCode: 'invalid_json',
  message: 'The request body is not valid JSON.',
}) {}

export class InvalidRequestError extends define({
  code: 'GW_ERR_INVALID_REQUEST',
  statusCode: 400,
  type: kBad,
  openaiCode: 'invalid_request',
  message: 'The request body does not match the API schema.',
}) {}

export class RequestTooLargeError extends define({
  code: 'GW_ERR_REQUEST_TOO_LARGE',
  statusCode: 413,
  type: kBad,
  openaiCode: 'request_too_large',
  message: 'The request body exceeds the size limit.',
}) {}

/** Headers over `max_header_bytes`, as uWS hands them to the handler. */
export class HeadersTooLargeError extends define({
  code: 'GW_ERR_HEADERS_TOO_LARGE',
  statusCode: 431,
  type: kBad,
  openaiCode: 'headers_too_large',
  message: 'The request headers exceed the size limit.',
}) {}

/** The client left before the answer; nothing is sent, it is logged. */
export class ClientAbortedError extends define({
  code: 'GW_ERR_CLIENT_ABORTED',
  statusCode: 499,
  type: kBad,
  openaiCode: 'client_aborted',
  message: 'The client closed the connection before the answer.',
}) {}

export class RouteNotFoundError extends define({
  code: 'GW_ERR_ROUTE_NOT_FOUND',
  statusCode: 404,
  type: kBad,
  openaiCode: 'not_found',
  message: 'No such route.',
}) {}

export class MethodNotAllowedError extends define({
  code: 'GW_ERR_METHOD_NOT_ALLOWED',
  statusCode: 405,
  type: kBad,
  openaiCode: 'method_not_allowed',
  message: 'This method is not allowed on this route.',
}) {}

export class ModelNotFoundError extends define({
  code: 'GW_ERR_MODEL_NOT_FOUND',
  statusCode: 404,
  type: kBad,
  openaiCode: 'model_not_found',
  message: 'The requested model does not exist.',
}) {}

// --- authentication and limits -----------------------------------------

export class MissingApiKeyError extends define({
  code: 'GW_ERR_MISSING_API_KEY',
  statusCode: 401,
  type: 'authentication_error',
  openaiCode: 'missing_api_key',
  message: 'An API key is required: send Authorization: Bearer <key>.',
}) {}

export class InvalidApiKeyError extends define({
  code: 'GW_ERR_INVALID_API_KEY',
  statusCode: 401,
  type: 'authentication_error',
  openaiCode: 'invalid_api_key',
  message: 'The API key is not valid.',
}) {}

export class ModelNotAllowedError extends define({
  code: 'GW_ERR_MODEL_NOT_ALLOWED',
  statusCode: 403,
  type: 'permission_error',
  openaiCode: 'model_not_allowed',
  message: 'This key may not use the requested model.',
}) {}

export class RateLimitedError extends define({
  code: 'GW_ERR_RATE_LIMITED',
  statusCode: 429,
  type: 'rate_limit_error',
  openaiCode: 'rate_limited',
  message: 'Rate limit reached for this key.',
}) {}

export class BudgetExceededError extends define({
  code: 'GW_ERR_BUDGET_EXCEEDED',
  statusCode: 429,
  type: 'rate_limit_error',
  openaiCode: 'budget_exceeded',
  message: 'This key has spent its budget.',
}) {}

export class KeyNotFoundError extends define({
  code: 'GW_ERR_KEY_NOT_FOUND',
  statusCode: 404,
  type: kBad,
  openaiCode: 'key_not_found',
  message: 'No such key.',
}) {}

export class KeyConflictError extends define({
  code: 'GW_ERR_KEY_CONFLICT',
  statusCode: 409,
  type: kBad,
  openaiCode: 'key_conflict',
  message: 'A key with this id or hash already exists.',
}) {}

// --- upstream ------------------------------------------------------------

export class UpstreamRateLimitedError extends define({
  code: 'GW_ERR_UPSTREAM_RATE_LIMITED',
  statusCode: 429,
  type: 'rate_limit_error',
  openaiCode: 'upstream_rate_limited',
  message: 'The upstream provider is rate limiting requests.',
}) {}

export class UpstreamError extends define({
  code: 'GW_ERR_UPSTREAM',
  statusCode: 502,
  type: kUp,
  openaiCode: 'upstream_error',
  message: 'The upstream provider failed to answer.',
}) {}

export class UpstreamBadResponseError extends define({
  code: 'GW_ERR_UPSTREAM_BAD_RESPONSE',
  statusCode: 502,
  type: kUp,
  openaiCode: 'upstream_bad_response',
  message: 'The upstream provider sent a malformed response.',
}) {}

export class UpstreamAuthFailedError extends define({
  code: 'GW_ERR_UPSTREAM_AUTH_FAILED',
  statusCode: 502,
  type: kUp,
  openaiCode: 'upstream_auth_failed',
  message: 'The upstream provider rejected the gateway credentials.',
}) {}

export class UpstreamStreamInterruptedError extends define({
  code: 'GW_ERR_UPSTREAM_STREAM_INTERRUPTED',
  statusCode: 502,
  type: kUp,
  openaiCode: 'upstream_stream_interrupted',
  message: 'The upstream stream ended before it was complete.',
}) {}

export class UpstreamTimeoutError extends define({
  code: 'GW_ERR_UPSTREAM_TIMEOUT',
  statusCode: 504,
  type: 'timeout_error',
  openaiCode: 'upstream_timeout',
  message: 'The upstream provider did not answer in time.',
}) {}

/** An upstream 4xx passed through; the client sees the upstream status. */
export class UpstreamRejectedError extends define({
  code: 'GW_ERR_UPSTREAM_REJECTED',
  statusCode: 400,
  type: kBad,
  openaiCode: 'upstream_rejected',
  message: 'The upstream provider rejected the request.',
}) {}

export class StreamStalledError extends define({
  code: 'GW_ERR_STREAM_STALLED',
  statusCode: 408,
  type: 'timeout_error',
  openaiCode: 'client_stalled',
  message: 'The client stopped reading the stream.',
}) {}

export class UnsupportedOperationError extends define({
  code: 'GW_ERR_UNSUPPORTED_OPERATION',
  statusCode: 400,
  type: kBad,
  openaiCode: 'unsupported_operation',
  message: 'The deployment behind this model does not offer this endpoint.',
}) {}

// --- capacity -------------------------------------------------------------

export class OverloadedError extends define({
  code: 'GW_ERR_OVERLOADED',
  statusCode: 503,
  type: kUnavailable,
  openaiCode: 'overloaded',
  message: 'The gateway is at capacity; retry shortly.',
}) {}

export class DrainingError extends define({
  code: 'GW_ERR_DRAINING',
  statusCode: 503,
  type: kUnavailable,
  openaiCode: 'draining',
  message: 'The gateway is shutting down; retry on another replica.',
}) {}

export class NoHealthyDeploymentError extends define({
  code: 'GW_ERR_NO_HEALTHY_DEPLOYMENT',
  statusCode: 503,
  type: kUnavailable,
  openaiCode: 'no_healthy_deployment',
  message: 'No deployment of this model is available right now.',
}) {}

export class InternalError extends define({
  code: 'GW_ERR_INTERNAL',
  statusCode: 500,
  type: kInternal,
  openaiCode: 'internal_error',
  message: 'The gateway failed unexpectedly.',
}) {}

// --- start-up and internals (never sent to clients as such) -------------

export class ConfigInvalidError extends define({
  code: 'GW_ERR_CONFIG_INVALID',
  statusCode: 500,
  type: kInternal,
  openaiCode: 'config_invalid',
  message: 'The configuration is invalid.',
}) {}

export class UwsNativeMissingError extends define({
  code: 'GW_ERR_UWS_NATIVE_MISSING',
  statusCode: 500,
  type: kInternal,
  openaiCode: 'uws_native_missing',
  message: 'uWebSockets.js native binary did not load; refusing to start.',
}) {}

export class RouterModelInvalidError extends define({
  code: 'GW_ERR_ROUTER_MODEL_INVALID',
  statusCode: 500,
  type: kInternal,
  openaiCode: 'router_model_invalid',
  message: 'The router model artifact is missing or corrupt.',
}) {}

export class InferenceTimeoutError extends define({
  code: 'GW_ERR_INFERENCE_TIMEOUT',
  statusCode: 500,
  type: kInternal,
  openaiCode: 'inference_timeout',
  message: 'The routing inference task timed out.',
}) {}

export class InferenceQueueFullError extends define({
  code: 'GW_ERR_INFERENCE_QUEUE_FULL',
  statusCode: 500,
  type: kInternal,
  openaiCode: 'inference_queue_full',
  message: 'The routing inference queue is full.',
}) {}

export class InferenceFailedError extends define({
  code: 'GW_ERR_INFERENCE_FAILED',
  statusCode: 500,
  type: kInternal,
  openaiCode: 'inference_failed',
  message: 'The routing inference worker failed.',
}) {}

export class StoreUnavailableError extends define({
  code: 'GW_ERR_STORE_UNAVAILABLE',
  statusCode: 503,
  type: kUnavailable,
  openaiCode: 'store_unavailable',
  message: 'The database is not reachable.',
}) {}

/** Narrow an unknown throwable to a GatewayError, wrapping others. */
export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  return new InternalError({ cause: err });
}

/** True when `err` carries the given code, even across threads. */
export function hasCode(err: unknown, code: string): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { code?: unknown }).code === code
  );
}
