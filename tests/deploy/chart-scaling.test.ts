/**
 * What the autoscalers and the rollout do with the gateway's numbers:
 * the HPA and KEDA scale on routeiq_active_streams (the gauge the
 * gateway exports), and a terminating pod gets its preStop sleep plus
 * the whole drain before SIGKILL.
 */
import t from 'tap';
import { parse } from 'yaml';
import { kGoPackages, only, renderChart } from './helm.js';
import { arr, dig, needsTool, obj, str } from './repo.js';
import type { Obj } from './repo.js';

const kGo = needsTool('go', `apt-get install -y ${kGoPackages}`);
const kKeda = {
  autoscaling: { hpa: { enabled: false }, keda: { enabled: true } },
};

t.test(
  'the HPA scales on active streams per pod, CPU as fallback',
  kGo,
  async (t) => {
    const hpa = only(renderChart(), 'HorizontalPodAutoscaler');
    const metrics = arr(dig(hpa, 'spec.metrics'), 'metrics');

    const pods = metrics.find((m) => dig(m, 'type') === 'Pods');
    t.equal(dig(pods, 'pods.metric.name'), 'routeiq_active_streams');
    t.equal(dig(pods, 'pods.target.type'), 'AverageValue');
    t.equal(dig(pods, 'pods.target.averageValue'), '50');

    const cpu = metrics.find((m) => dig(m, 'type') === 'Resource');
    t.equal(dig(cpu, 'resource.name'), 'cpu');
    t.equal(dig(cpu, 'resource.target.averageUtilization'), 70);
    t.notOk(
      dig(only(renderChart(), 'Deployment'), 'spec.replicas'),
      'HPA owns replicas',
    );
  },
);

t.test(
  'KEDA queries active streams of this release with the same target',
  kGo,
  async (t) => {
    const render = renderChart({ values: [kKeda] });
    t.notOk(render.objects.some((o) => o.kind === 'HorizontalPodAutoscaler'));
    const so = only(render, 'ScaledObject');
    const trigger = obj(
      arr(dig(so, 'spec.triggers'), 'triggers')[0],
      'trigger',
    );

    t.equal(trigger['type'], 'prometheus');
    const query = str(dig(trigger, 'metadata.query'), 'query');
    t.match(query, /^sum\(routeiq_active_streams\{/);
    t.match(query, 'namespace="ai"');
    t.match(
      query,
      'service="gw-routeiq-gateway"',
      'the Service the monitor scrapes',
    );
    t.equal(
      dig(trigger, 'metadata.threshold'),
      '50',
      'per-pod target, as the HPA',
    );
    t.match(
      str(dig(trigger, 'metadata.serverAddress'), 'address'),
      /^https?:\/\//,
    );
    t.equal(dig(so, 'spec.minReplicaCount'), 2);
  },
);

function grace(values: Obj[]) {
  const render = renderChart({ values });
  const pod = obj(dig(only(render, 'Deployment'), 'spec.template.spec'), 'pod');
  const gateway = arr(pod['containers'], 'containers')[0];
  const preStop = arr(
    dig(gateway, 'lifecycle.preStop.exec.command'),
    'preStop',
  );
  const configMap = only(render, 'ConfigMap', 'gw-routeiq-gateway');
  const data = obj(dig(configMap, 'data'), 'ConfigMap data');
  const config: unknown = parse(str(data['gateway.yaml'], 'gateway.yaml'));
  return {
    graceS: Number(pod['terminationGracePeriodSeconds']),
    preStopS: preStop[0] === 'sleep' ? Number(preStop[1]) : NaN,
    drainMs: Number(dig(config, 'routeiq_settings.drain_timeout_ms')),
  };
}

t.test(
  'a terminating pod gets preStop plus the whole drain',
  kGo,
  async (t) => {
    const d = grace([]);
    t.same(d, { graceS: 40, preStopS: 5, drainMs: 25000 }, 'the defaults');
    t.ok(d.graceS > d.preStopS + d.drainMs / 1000, 'grace > preStop + drain');

    const longer = grace([
      { drain: { timeoutMs: 90500, preStopSleepSeconds: 8 } },
    ]);
    t.equal(longer.drainMs, 90500, 'the gateway is told the same drain');
    t.equal(longer.graceS, 91 + 8 + 10, 'grace follows the values');
  },
);
