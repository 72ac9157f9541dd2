/**
 * Runs the gateway the way the image's CMD does, exports a trace over
 * OTLP/gRPC to a receiver listening like the collector, and checks that
 * the metric names the HPA and KEDA objects scale on are ones the live
 * gateway exports.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import { request } from 'undici';
import { startOtlpReceiver } from '../helpers/otlp-receiver.js';
import { kGoPackages, only, renderChart } from './helm.js';
import { arr, dig, needsTool, str } from './repo.js';
import { kRepoRoot } from './repo.js';

const kGo = needsTool('go', `apt-get install -y ${kGoPackages}`);
const kMasterKey = 'sk-container-smoke-0123456789';

function dockerCmd(): string[] {
  const text = readFileSync(join(kRepoRoot, 'Dockerfile'), 'utf8');
  const line = text
    .split('\n')
    .filter((l) => l.startsWith('CMD '))
    .at(-1);
  if (line === undefined) throw new Error('Dockerfile has no CMD');
  const argv = JSON.parse(line.slice(4)) as string[];
  // The image's WORKDIR is /app; here the repository root plays it.
  return argv.map((a) => a.replace(/^\/app\//, `${kRepoRoot}/`));
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await request(`${url}/health/readiness`)
      .then(async (r) => (await r.body.text(), r.statusCode === 200))
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('gateway did not become ready');
}

t.test(
  'the image command serves, traces and exports scaling metrics',
  kGo,
  async (t) => {
    const rx = await startOtlpReceiver(t);
    const port = await freePort();
    const [cmd, ...args] = dockerCmd();
    const child = spawn(cmd as string, args, {
      cwd: kRepoRoot,
      stdio: 'ignore',
      env: {
        ...process.env,
        // Inside a container HOST is 0.0.0.0; on this host, loopback only.
        HOST: '127.0.0.1',
        PORT: String(port),
        ROUTEIQ_MASTER_KEY: kMasterKey,
        OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
        OTEL_SERVICE_NAME: 'routeiq-smoke',
        OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=pod-a',
      },
    });
    t.teardown(() => void child.kill('SIGKILL'));
    const url = `http://127.0.0.1:${port}`;
    await waitReady(url);

    const res = await request(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${kMasterKey}` },
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    t.equal(res.statusCode, 200);
    await res.body.text();
    await rx.waitFor((s) => s.some((x) => x.kind === 2));
    const server = rx.spans.find((x) => x.kind === 2);
    t.equal(server?.resource['service.name'], 'routeiq-smoke');
    t.equal(server?.resource['service.instance.id'], 'pod-a');

    const metrics = await (await request(`${url}/metrics`)).body.text();
    const hpa = only(renderChart(), 'HorizontalPodAutoscaler');
    const pods = arr(dig(hpa, 'spec.metrics'), 'metrics').find(
      (m) => dig(m, 'type') === 'Pods',
    );
    const hpaMetric = str(dig(pods, 'pods.metric.name'), 'hpa metric');
    t.match(
      metrics,
      new RegExp(`^${hpaMetric}(\\{| )`, 'm'),
      'HPA metric is exported',
    );
    const keda = renderChart({
      values: [
        { autoscaling: { hpa: { enabled: false }, keda: { enabled: true } } },
      ],
    });
    const so = only(keda, 'ScaledObject');
    const trigger = arr(dig(so, 'spec.triggers'), 'triggers')[0];
    const query = str(dig(trigger, 'metadata.query'), 'query');
    for (const name of query.match(/[a-z_]+(?=\{)/g) ?? []) {
      t.match(
        metrics,
        new RegExp(`^${name}(\\{| )`, 'm'),
        `${name} is exported`,
      );
    }
  },
);
