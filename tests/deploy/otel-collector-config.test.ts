/**
 * config/otel-collector-config.yaml, checked as the collector would at
 * start-up (no collector binary here): components, listen addresses,
 * exporters and processor order.
 */
import t from 'tap';
import {
  collectorProblems,
  listed,
  otlpListen,
  pipelines,
} from './collector-config.js';
import { dig, obj, readRepoYaml, str } from './repo.js';

const kFile = 'config/otel-collector-config.yaml';
const cfg = readRepoYaml(kFile);

t.test('every component a pipeline references is defined', async (t) => {
  t.same(collectorProblems(cfg), []);
  t.ok(pipelines(cfg).has('traces'), 'a traces pipeline');
  t.ok(pipelines(cfg).has('metrics'), 'a metrics pipeline');
});

t.test(
  'the checker reports a pipeline naming an undefined component',
  async (t) => {
    const broken = structuredClone(cfg);
    const traces = obj(dig(broken, 'service.pipelines.traces'), 'traces');
    traces['exporters'] = [...listed(traces, 'exporters'), 'otlp_grpc/nowhere'];
    traces['processors'] = ['batch', 'tail_sampling'];

    t.same(collectorProblems(broken), [
      'pipeline traces: processors "tail_sampling" is not defined',
      'pipeline traces: exporters "otlp_grpc/nowhere" is not defined',
    ]);
  },
);

t.test(
  'the OTLP receiver listens on 4317 (gRPC) and 4318 (HTTP)',
  async (t) => {
    t.same(otlpListen(cfg, 'otlp', 'grpc'), { host: '0.0.0.0', port: 4317 });
    t.same(otlpListen(cfg, 'otlp', 'http'), { host: '0.0.0.0', port: 4318 });
    for (const name of ['traces', 'metrics']) {
      const p = pipelines(cfg).get(name) ?? {};
      t.ok(listed(p, 'receivers').includes('otlp'), `${name} receives OTLP`);
    }
  },
);

t.test('traces go to Jaeger over OTLP, metrics to Prometheus', async (t) => {
  const exporters = obj(cfg['exporters'], 'exporters');
  const jaeger = Object.keys(exporters).find((id) =>
    /^otlp(_grpc)?\/jaeger$/.test(id),
  );
  t.ok(jaeger, 'an OTLP exporter named jaeger (the jaeger exporter is gone)');
  t.equal(dig(exporters, `${jaeger ?? ''}.endpoint`), 'jaeger:4317');

  const traces = pipelines(cfg).get('traces') ?? {};
  const metrics = pipelines(cfg).get('metrics') ?? {};
  t.ok(listed(traces, 'exporters').includes(jaeger ?? ''), 'traces -> Jaeger');
  t.ok(
    listed(metrics, 'exporters').includes('prometheus'),
    'metrics -> Prometheus',
  );
  t.match(
    str(dig(exporters, 'prometheus.endpoint'), 'prom'),
    /^0\.0\.0\.0:\d+$/,
  );
});

t.test(
  'the generic OTLP backend takes its endpoint from the environment',
  async (t) => {
    const exporters = obj(cfg['exporters'], 'exporters');
    const endpoint = dig(exporters, 'otlp_http/backend.endpoint');
    t.equal(endpoint, '${env:OTLP_BACKEND_ENDPOINT}');
    for (const name of ['traces', 'metrics']) {
      const p = pipelines(cfg).get(name) ?? {};
      t.ok(
        listed(p, 'exporters').includes('otlp_http/backend'),
        `${name} -> backend`,
      );
    }

    // Compose must set it: the collector refuses an empty endpoint.
    const compose = readRepoYaml('docker-compose.otel.yml');
    const env = dig(
      compose,
      'services.otel-collector.environment.OTLP_BACKEND_ENDPOINT',
    );
    const fallback = /:-([^}]+)\}$/.exec(
      str(env, 'OTLP_BACKEND_ENDPOINT'),
    )?.[1];
    const url = new URL(fallback ?? 'http://unset');
    const sink = otlpListen(cfg, 'otlp/backend-sink', 'http');
    t.same(
      { host: url.hostname, port: Number(url.port) },
      sink,
      'default: sink',
    );
    t.equal(sink.host, '127.0.0.1', 'the sink is loopback only');
  },
);

t.test(
  'memory_limiter runs first and batch runs in every pipeline',
  async (t) => {
    for (const [name, p] of pipelines(cfg)) {
      const processors = listed(p, 'processors');
      // The loopback sink pipelines only drop data; nothing to limit.
      if (processors.length === 0 && name.endsWith('/backend-sink')) continue;
      t.equal(processors[0], 'memory_limiter', `${name}: memory_limiter first`);
      t.ok(processors.includes('batch'), `${name}: batches`);
    }
    t.ok(dig(cfg, 'processors.memory_limiter.limit_mib'), 'a memory limit');
  },
);

t.test('the health_check extension is enabled on all interfaces', async (t) => {
  const enabled = dig(cfg, 'service.extensions');
  t.ok(Array.isArray(enabled) && enabled.includes('health_check'));
  t.equal(dig(cfg, 'extensions.health_check.endpoint'), '0.0.0.0:13133');
});
