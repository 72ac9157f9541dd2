/**
 * The gateway pod as the chart renders it: health probes on the
 * gateway's paths, a non-root read-only container with a writable
 * data/, config from the ConfigMap and secrets from the Secret.
 */
import t from 'tap';
import { parse } from 'yaml';
import { kGoPackages, only, renderChart } from './helm.js';
import { arr, dig, needsTool, obj, str } from './repo.js';

const kGo = needsTool('go', `apt-get install -y ${kGoPackages}`);

function gatewayContainer(render = renderChart()) {
  const spec = dig(only(render, 'Deployment'), 'spec.template.spec');
  return obj(arr(dig(spec, 'containers'), 'containers')[0], 'gateway');
}

t.test(
  'probes use the gateway health paths on port http (4000)',
  kGo,
  async (t) => {
    const c = gatewayContainer();
    t.equal(dig(c, 'livenessProbe.httpGet.path'), '/health/liveliness');
    t.equal(dig(c, 'startupProbe.httpGet.path'), '/health/liveliness');
    t.equal(dig(c, 'readinessProbe.httpGet.path'), '/health/readiness');
    t.same(dig(c, 'ports'), [
      { name: 'http', containerPort: 4000, protocol: 'TCP' },
    ]);

    const svc = only(renderChart(), 'Service');
    t.same(dig(svc, 'spec.ports.0'), {
      name: 'http',
      port: 4000,
      targetPort: 'http',
      protocol: 'TCP',
    });
  },
);

t.test(
  'the gateway runs non-root on a read-only root with a writable data/',
  kGo,
  async (t) => {
    const render = renderChart();
    const pod = dig(only(render, 'Deployment'), 'spec.template.spec');
    t.equal(dig(pod, 'securityContext.runAsNonRoot'), true);
    t.ok(Number(dig(pod, 'securityContext.runAsUser')) > 0, 'a non-zero uid');

    const c = gatewayContainer(render);
    t.equal(dig(c, 'securityContext.readOnlyRootFilesystem'), true);
    t.equal(dig(c, 'securityContext.allowPrivilegeEscalation'), false);
    const mounts = arr(c['volumeMounts'], 'volumeMounts');
    const data = mounts.find((m) => dig(m, 'mountPath') === '/app/data');
    const volumes = arr(dig(pod, 'volumes'), 'volumes');
    const volume = volumes.find((v) => dig(v, 'name') === dig(data, 'name'));
    t.ok(dig(volume, 'emptyDir'), 'data/ is an emptyDir');
  },
);

t.test(
  'config comes from the ConfigMap and secrets from the Secret',
  kGo,
  async (t) => {
    const render = renderChart({
      values: [
        {
          secrets: {
            databaseUrl: 'postgres://db/r',
            providerKeys: { OPENAI_API_KEY: 'sk-x' },
          },
        },
      ],
    });
    const c = gatewayContainer(render);
    t.same(c['args'], ['--config', '/app/config/gateway.yaml']);
    const mount = arr(c['volumeMounts'], 'm').find(
      (m) => dig(m, 'mountPath') === '/app/config',
    );
    t.equal(dig(mount, 'readOnly'), true);

    const data = obj(
      dig(only(render, 'ConfigMap', 'gw-routeiq-gateway'), 'data'),
      'data',
    );
    const config: unknown = parse(str(data['gateway.yaml'], 'gateway.yaml'));
    t.ok(Array.isArray(dig(config, 'model_list')), 'LiteLLM-shaped config');

    t.equal(dig(c, 'envFrom.0.secretRef.name'), 'gw-routeiq-gateway');
    const secret = obj(dig(only(render, 'Secret'), 'data'), 'Secret data');
    t.same(Object.keys(secret).sort(), [
      'DATABASE_URL',
      'OPENAI_API_KEY',
      'ROUTEIQ_MASTER_KEY',
    ]);
    t.equal(
      Buffer.from(str(secret['DATABASE_URL'], 'url'), 'base64').toString(),
      'postgres://db/r',
    );
    t.match(
      Buffer.from(str(secret['ROUTEIQ_MASTER_KEY'], 'k'), 'base64').toString(),
      /^sk-[A-Za-z0-9]{40}$/,
    );
  },
);

t.test('an existing Secret replaces the generated one', kGo, async (t) => {
  const render = renderChart({
    values: [{ secrets: { create: false, existingSecret: 'mine' } }],
  });
  t.notOk(render.objects.some((o) => o.kind === 'Secret'));
  t.equal(dig(gatewayContainer(render), 'envFrom.0.secretRef.name'), 'mine');
});
