/**
 * The world of the correlation test: a real OTLP/gRPC receiver, a real
 * PostgreSQL, an upstream recording the traceparent it receives, gateway
 * replicas as separate processes, and a loopback ingress that starts the
 * trace (its own span, child of the client's) and spreads requests over
 * the replicas round-robin, as a real ingress would.
 */
import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { spawnGateway, waitReady } from '../../helpers/process.js';
import type { GatewayProcess } from '../../helpers/process.js';

/** The nine candidates of the shipped kNN router. */
export const kNine = [
  'codegemma-7b',
  'gemma-2-9b-it',
  'llama-3.1-8b-instruct',
  'llama-3.1-nemotron-51b-instruct',
  'llama-3.3-nemotron-super-49b-v1',
  'llama3-chatqa-1.5-70b',
  'llama3-chatqa-1.5-8b',
  'mistral-7b-instruct-v0.3',
  'qwen2.5-7b-instruct',
];

/** Gateway config: `auto` routed by the shipped kNN over `upstream`. */
export function replicaConfig(upstream: string, extra = ''): string {
  const deps = kNine
    .map(
      (m) => `  - model_name: ${m}
    litellm_params:
      model: openai/${m}
      api_base: ${upstream}`,
    )
    .join('\n');
  return `model_list:
${deps}
  - model_name: auto
    litellm_params:
      model: routeiq/auto
${extra}
routeiq_settings:
  routers:
    auto:
      strategy: knn
      artifact: models/knn-9
      candidates: [${kNine.join(', ')}]
      default_model: gemma-2-9b-it
      task_timeout_ms: 2000
`;
}

/** Write `yaml` to a temp file and return its path. */
export function configFile(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'routeiq-corr-'));
  const path = join(dir, 'gateway.yaml');
  writeFileSync(path, yaml);
  return path;
}

/** Start a replica named `instance`, exporting to `otlp`. */
export async function startReplica(
  t: Test,
  instance: string,
  config: string,
  otlp: string,
  databaseUrl: string,
): Promise<GatewayProcess> {
  const gw = await spawnGateway(t, ['--config', config], {
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
    OTEL_RESOURCE_ATTRIBUTES: `service.instance.id=${instance}`,
    OTEL_SERVICE_NAME: 'routeiq-gateway',
    DATABASE_URL: databaseUrl,
  });
  await waitReady(gw, 30_000);
  return gw;
}

/** A round-robin ingress that starts a span of its own per request. */
export async function startIngress(
  t: Test,
  backends: readonly string[],
): Promise<{ url: string; spans: Array<{ traceId: string; spanId: string }> }> {
  let next = 0;
  const spans: Array<{ traceId: string; spanId: string }> = [];
  const server = createServer((req, res) => {
    const target = new URL(req.url ?? '/', backends[next++ % backends.length]);
    const incoming = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(
      String(req.headers['traceparent'] ?? ''),
    );
    const traceId = incoming?.[1] ?? randomBytes(16).toString('hex');
    const spanId = randomBytes(8).toString('hex');
    spans.push({ traceId, spanId });
    const up = httpRequest(
      target,
      {
        method: req.method,
        headers: { ...req.headers, traceparent: `00-${traceId}-${spanId}-01` },
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, spans };
}
