/**
 * The chart's collector modes: the endpoint the gateway is given is
 * where the rendered collector listens, and each rendered collector
 * config passes the same checks as the Compose one.
 */
import t from 'tap';
import { parse } from 'yaml';
import {
  collectorProblems,
  listed,
  otlpListen,
  pipelines,
} from './collector-config.js';
import { containersOf } from './chart-refs.js';
import { kGoPackages, kScenarios, only, renderChart } from './helm.js';
import type { Render } from './helm.js';
import { arr, dig, needsTool, obj, str } from './repo.js';

const kGo = needsTool('go', `apt-get install -y ${kGoPackages}`);

function collectorConfig(render: Render) {
  const cm = only(render, 'ConfigMap', 'gw-routeiq-gateway-otel-collector');
  const text = str(obj(dig(cm, 'data'), 'data')['config.yaml'], 'config.yaml');
  return obj(parse(text), 'collector config');
}

function gatewayEnv(render: Render): Map<string, unknown> {
  const spec = dig(only(render, 'Deployment'), 'spec.template.spec');
  const gateway = containersOf(spec).find((c) => dig(c, 'name') === 'gateway');
  const env = arr(dig(gateway, 'env'), 'env');
  return new Map(
    env.map((e) => [
      str(dig(e, 'name'), 'name'),
      dig(e, 'value') ?? dig(e, 'valueFrom'),
    ]),
  );
}

t.test(
  'a sidecar collector listens on the loopback address the gateway uses',
  kGo,
  async (t) => {
    const render = renderChart(kScenarios['sidecar collector']);
    const env = gatewayEnv(render);
    const url = new URL(
      str(env.get('OTEL_EXPORTER_OTLP_ENDPOINT'), 'endpoint'),
    );
    const cfg = collectorConfig(render);

    t.same(collectorProblems(cfg), []);
    t.same(otlpListen(cfg, 'otlp', 'grpc'), {
      host: url.hostname,
      port: Number(url.port),
    });
    const init = arr(
      dig(only(render, 'Deployment'), 'spec.template.spec.initContainers'),
      'init',
    );
    t.equal(
      dig(init[0], 'restartPolicy'),
      'Always',
      'native sidecar: outlives the drain',
    );
    const traces = pipelines(cfg).get('traces') ?? {};
    t.same(listed(traces, 'exporters'), ['otlp_grpc/jaeger']);
  },
);

t.test(
  'a DaemonSet collector is reached at the node IP on its hostPort',
  kGo,
  async (t) => {
    const render = renderChart(kScenarios['daemonset collector']);
    const env = gatewayEnv(render);
    t.same(env.get('HOST_IP'), { fieldRef: { fieldPath: 'status.hostIP' } });
    t.equal(env.get('OTEL_EXPORTER_OTLP_ENDPOINT'), 'http://$(HOST_IP):4317');

    const ds = only(render, 'DaemonSet');
    const ports = arr(
      dig(ds, 'spec.template.spec.containers.0.ports'),
      'ports',
    );
    const grpc = ports.find((p) => dig(p, 'name') === 'otlp-grpc');
    t.equal(dig(grpc, 'hostPort'), 4317, 'hostPort');
    const cfg = collectorConfig(render);
    t.same(collectorProblems(cfg), []);
    t.same(otlpListen(cfg, 'otlp', 'grpc'), { host: '0.0.0.0', port: 4317 });
  },
);

t.test('each pod names itself in its resource attributes', kGo, async (t) => {
  const env = gatewayEnv(renderChart());
  t.same(env.get('POD_NAME'), { fieldRef: { fieldPath: 'metadata.name' } });
  t.match(
    str(env.get('OTEL_RESOURCE_ATTRIBUTES'), 'attrs'),
    /^service\.instance\.id=\$\(POD_NAME\),/,
  );
  t.equal(env.get('OTEL_SERVICE_NAME'), 'routeiq-gateway');
  t.notOk(env.has('OTEL_EXPORTER_OTLP_ENDPOINT'), 'no collector: nothing set');
});
