/**
 * The chart rendered for every optional path (tests/deploy/helm-render,
 * no helm here) to objects that pass the Kubernetes API schemas and
 * whose references between objects resolve.
 */
import t from 'tap';
import { referenceProblems } from './chart-refs.js';
import { kGoPackages, kScenarios, renderChart } from './helm.js';
import { schemaProblems } from './k8s-schemas.js';
import { needsTool, obj } from './repo.js';

const kGo = needsTool('go', `apt-get install -y ${kGoPackages}`);

for (const [name, scenario] of Object.entries(kScenarios)) {
  t.test(`renders ${name} to valid, coherent objects`, kGo, async (t) => {
    const render = renderChart(scenario);
    const kinds = render.objects.map((o) => o.kind);
    for (const kind of ['Deployment', 'Service', 'ConfigMap', 'Secret']) {
      t.ok(kinds.includes(kind), `renders a ${kind}`);
    }

    t.same(render.objects.flatMap(schemaProblems), [], 'schemas');
    t.same(referenceProblems(render), [], 'references');
    t.match(render.notes, /kubectl .* port-forward svc\/gw-routeiq-gateway/);
  });
}

t.test(
  'the checks catch a probe on a port the container lacks',
  kGo,
  async (t) => {
    const render = renderChart();
    const deployment = render.objects.find((o) => o.kind === 'Deployment');
    const broken = structuredClone(deployment?.body ?? {});
    const text = JSON.stringify(broken).replace(
      '"port":"http"',
      '"port":"web"',
    );
    const objects = render.objects.map((o) =>
      o.kind === 'Deployment'
        ? { ...o, body: JSON.parse(text) as typeof broken }
        : o,
    );

    t.same(referenceProblems({ ...render, objects }), [
      'Deployment/gw-routeiq-gateway: container gateway: startupProbe uses unnamed port web',
    ]);
  },
);

t.test(
  'the checks catch a numeric KEDA threshold and a missing maxReplicas',
  kGo,
  async (t) => {
    const keda = renderChart(
      kScenarios['KEDA instead of HPA, with ServiceMonitor'],
    );
    const so = keda.objects.find((o) => o.kind === 'ScaledObject');
    const hpa = renderChart().objects.find(
      (o) => o.kind === 'HorizontalPodAutoscaler',
    );
    if (so === undefined || hpa === undefined) throw new Error('not rendered');

    const soText = JSON.stringify(so.body).replace(
      '"threshold":"50"',
      '"threshold":50',
    );
    const hpaBody = structuredClone(hpa.body);
    delete obj(hpaBody['spec'], 'spec')['maxReplicas'];

    t.same(schemaProblems({ ...so, body: obj(JSON.parse(soText), 'so') }), [
      'ScaledObject/gw-routeiq-gateway: triggers[0].metadata must map names to strings',
    ]);
    t.match(schemaProblems({ ...hpa, body: hpaBody }), [
      /spec must have required property maxReplicas/,
    ]);
  },
);

t.test(
  'refuses to render with both the HPA and KEDA enabled',
  kGo,
  async (t) => {
    const both = {
      autoscaling: { hpa: { enabled: true }, keda: { enabled: true } },
    };
    t.throws(
      () => renderChart({ values: [both] }),
      /enable only one of hpa and keda/,
    );
  },
);

t.test(
  'refuses a KEDA fallback together with a CPU trigger',
  kGo,
  async (t) => {
    const values = {
      autoscaling: {
        hpa: { enabled: false },
        keda: { enabled: true, cpuTrigger: true },
      },
    };
    t.throws(
      () => renderChart({ values: [values] }),
      /fallbackReplicas needs cpuTrigger false/,
    );
  },
);
