/**
 * Every metric the gateway exports: name, help, type and label names, in
 * one place. The names are contracts (DESIGN.md "Names that are
 * contracts", docs/metrics.md). LiteLLM's counters are exported under the
 * names its Python client writes, which appends `_total`.
 */
import {
  kBatchSizeBuckets,
  kInferenceBuckets,
  kLatencyBuckets,
  kRoutingBuckets,
  kTtftBuckets,
} from './metrics-buckets.js';
import {
  CounterCell,
  Family,
  GaugeCell,
  HistogramCell,
} from './metrics-family.js';
import type { Labels } from './metrics-family.js';

function counter(name: string, help: string, labels: readonly string[]) {
  return new Family(name, help, 'counter', labels, (l) => new CounterCell(l));
}

function gauge(name: string, help: string, labels: readonly string[]) {
  return new Family(name, help, 'gauge', labels, (l) => new GaugeCell(l));
}

function histogram(
  name: string,
  help: string,
  labels: readonly string[],
  bounds: readonly number[],
) {
  const make = (l: Labels) => new HistogramCell(l, bounds);
  return new Family(name, help, 'histogram', labels, make);
}

const kPair = ['requested_model', 'model'] as const;
const kDeployment = ['litellm_model_name', 'model_id', 'api_provider'];

/** Build a fresh set of families (one per gateway instance). */
export function defineFamilies() {
  return {
    activeStreams: gauge(
      'routeiq_active_streams',
      'Streaming responses open to clients now (SSE headers sent, not yet ended).',
      [],
    ),
    queueDepth: gauge(
      'routeiq_request_queue_depth',
      'Admitted requests waiting for a routing decision or, after it, for their upstream attempt to start.',
      [],
    ),
    routingLatency: histogram(
      'routeiq_routing_latency_histogram',
      'Seconds from routing start to a routing decision, by strategy and outcome.',
      ['strategy', 'outcome'],
      kRoutingBuckets,
    ),
    routerFallbacks: counter(
      'routeiq_router_fallbacks_total',
      'Routing decisions a strategy handed to its fallback, by strategy and reason.',
      ['strategy', 'reason'],
    ),
    upstreamInFlight: gauge(
      'routeiq_upstream_in_flight_requests',
      'Upstream calls in flight per deployment.',
      ['model', 'model_id'],
    ),
    totalRequests: counter(
      'litellm_proxy_total_requests_metric_total',
      'Requests to the inference routes, by requested model and status class.',
      ['requested_model', 'status_code'],
    ),
    failedRequests: counter(
      'litellm_proxy_failed_requests_metric_total',
      'Inference requests that did not end in success, by requested model, status class and error code.',
      ['requested_model', 'exception_status', 'exception_class'],
    ),
    requestLatency: histogram(
      'litellm_request_total_latency_metric',
      'Seconds from arrival to the end of a successful inference request.',
      kPair,
      kLatencyBuckets,
    ),
    apiLatency: histogram(
      'litellm_llm_api_latency_metric',
      'Seconds of each successful upstream call, to its last byte.',
      kPair,
      kLatencyBuckets,
    ),
    ttft: histogram(
      'litellm_llm_api_time_to_first_token_metric',
      'Seconds from the start of a streamed upstream call to its first byte.',
      kPair,
      kTtftBuckets,
    ),
    inputTokens: counter(
      'litellm_input_tokens_metric_total',
      'Prompt tokens reported by upstreams.',
      kPair,
    ),
    outputTokens: counter(
      'litellm_output_tokens_metric_total',
      'Completion tokens reported by upstreams.',
      kPair,
    ),
    totalTokens: counter(
      'litellm_total_tokens_metric_total',
      'Prompt plus completion tokens reported by upstreams.',
      kPair,
    ),
    deploymentState: gauge(
      'litellm_deployment_state',
      'Deployment health: 0 healthy, 1 failing but in service, 2 cooling down.',
      kDeployment,
    ),
    cooledDown: counter(
      'litellm_deployment_cooled_down_total',
      'Times a deployment was put into cooldown, by the status class of the failure that did it.',
      [...kDeployment, 'exception_status'],
    ),
    inFlight: gauge(
      'litellm_in_flight_requests',
      'Inference requests admitted and not yet finished.',
      [],
    ),
    inferenceBatchSize: histogram(
      'routeiq_inference_batch_size',
      'Routing tasks served by one batched session.run in the inference pool.',
      [],
      kBatchSizeBuckets,
    ),
    inferenceSeconds: histogram(
      'routeiq_inference_duration_seconds',
      'Seconds of inference-worker work, by phase (featurize, run).',
      ['phase'],
      kInferenceBuckets,
    ),
    workerFailures: counter(
      'routeiq_inference_worker_failures_total',
      'Inference worker failures, by reason: error (uncaught, no task to fail), exit (a worker ended on its own), hang (a task aborted past its deadline).',
      ['reason'],
    ),
    poolUtilisation: gauge(
      'routeiq_inference_pool_utilisation_ratio',
      'Share of the inference pool busy over its recent window (0 to 1).',
      [],
    ),
    logWritten: counter(
      'routeiq_request_log_written_total',
      'Request-log rows written to the store.',
      [],
    ),
    logDropped: counter(
      'routeiq_request_log_dropped_total',
      'Request-log rows dropped (queue full or rejected by the store).',
      [],
    ),
    logQueued: gauge(
      'routeiq_request_log_queued',
      'Request-log rows waiting to be written.',
      [],
    ),
    spansDropped: counter(
      'routeiq_spans_dropped_total',
      'Spans that never reached the collector, by reason (queue_full, export_failed).',
      ['reason'],
    ),
    collectErrors: counter(
      'routeiq_metrics_collect_errors_total',
      'Scrape-time readers (store, pool) that threw; their metric kept its last value.',
      [],
    ),
  };
}

/** The families of one gateway. */
export type Families = ReturnType<typeof defineFamilies>;
