/**
 * A real Prometheus (Debian's `prometheus` package) scraping gateways on
 * loopback. It checks config/prometheus.yml with promtool, lints the
 * gateway's exposition, then runs Prometheus on a copy of that config
 * pointed at two gateways (one behind a metrics token, one on a metrics
 * port) and reads the autoscaling metrics back through its HTTP API.
 * Without the binaries it skips locally and fails under CI=true.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { request } from 'undici';
import YAML from 'yaml';
import { startTestGateway } from '../helpers/gateway.js';
import type { TestGateway } from '../helpers/gateway.js';
import { promQuery, promValues, waitFor } from './prometheus-api.js';

const kConfig = join(import.meta.dirname, '../../config/prometheus.yml');
const kDocs = join(import.meta.dirname, '../../docs/metrics.md');
const kToken = 'smoke-metrics-token-5d1c';
const kStreams = 3;

function installed(bin: string): boolean {
  return spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0;
}

function gatewayYaml(strategy: string, metrics: string, chunks = 50) {
  return `model_list:
  - model_name: chat
    litellm_params:
      model: mock/chat
      mock_chunks: ${chunks}
      mock_chunk_interval_ms: 100
router_settings:
  routing_strategy: ${strategy}
routeiq_settings:
  metrics: ${metrics}
`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function chat(gw: TestGateway, stream: boolean, model = 'chat') {
  return request(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    reset: true,
    body: JSON.stringify({
      model,
      stream,
      messages: [{ role: 'user', content: 'hi' }],
    }),
  }).then((r) => r.body.text());
}

/** The shipped config, narrowed to the gateway job and aimed at `targets`. */
async function scrapeConfig(
  a: TestGateway,
  b: TestGateway,
): Promise<string | null> {
  const cfg = YAML.parse(await readFile(kConfig, 'utf8')) as Record<
    string,
    unknown
  >;
  const jobs = cfg['scrape_configs'];
  if (!Array.isArray(jobs)) return null;
  const job = jobs.find(
    (j: unknown) =>
      (j as Record<string, unknown>)['job_name'] === 'routeiq-gateway',
  ) as Record<string, unknown> | undefined;
  if (job === undefined) return null;
  const at = (port: number | null) => [{ targets: [`127.0.0.1:${port}`] }];
  cfg['global'] = {
    ...(cfg['global'] as object),
    scrape_interval: '1s',
    evaluation_interval: '1s',
  };
  // Rule files and alerting name paths and hosts of the deployment.
  delete cfg['rule_files'];
  delete cfg['alerting'];
  cfg['scrape_configs'] = [
    {
      ...job,
      scrape_interval: '1s',
      static_configs: at(a.gw.port),
      authorization: { credentials: kToken },
    },
    {
      ...job,
      job_name: 'routeiq-gateway-metrics-port',
      scrape_interval: '1s',
      static_configs: at(b.gw.metricsPort),
    },
  ];
  return YAML.stringify(cfg);
}

const missing = ['prometheus', 'promtool'].filter((b) => !installed(b));
if (missing.length > 0) {
  const why = `${missing.join(', ')} missing: apt-get install -y prometheus`;
  if (process.env['CI'] === 'true') t.fail(why);
  else t.plan(0, why);
} else {
  t.test('promtool accepts config/prometheus.yml', async (t) => {
    const r = spawnSync('promtool', ['check', 'config', kConfig], {
      encoding: 'utf8',
    });
    t.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  });

  t.test('every PromQL example in docs/metrics.md parses', async (t) => {
    const md = await readFile(kDocs, 'utf8');
    const blocks = [...md.matchAll(/```promql\n([\s\S]*?)```/g)];
    const exprs = blocks.flatMap((b) => (b[1] ?? '').split(/\n\s*\n/));
    const rules = exprs
      .map((e) => e.trim())
      .filter((e) => e !== '')
      .map((expr, i) => ({ record: `docs:example_${i}`, expr }));
    t.ok(rules.length >= 10, `${rules.length} examples found`);
    const dir = await mkdtemp(join(tmpdir(), 'routeiq-promql-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'rules.yml');
    await writeFile(
      file,
      YAML.stringify({ groups: [{ name: 'docs', rules }] }),
    );
    const r = spawnSync('promtool', ['check', 'rules', file], {
      encoding: 'utf8',
    });
    t.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  });

  t.test('promtool finds only the histogram name in /metrics', async (t) => {
    const gw = await startTestGateway(
      t,
      gatewayYaml('simple-shuffle', '{}', 2),
    );
    await Promise.all([
      chat(gw, true),
      chat(gw, false),
      chat(gw, false, 'nope'),
    ]);
    const text = await (
      await request(`${gw.url}/metrics`, { reset: true })
    ).body.text();
    t.match(text, /^process_cpu_seconds_total /m, 'Node process metrics');
    t.match(text, /^nodejs_eventloop_lag_seconds /m, 'Node runtime metrics');
    const r = spawnSync('promtool', ['check', 'metrics'], {
      input: text,
      encoding: 'utf8',
    });
    const problems = `${r.stdout}${r.stderr}`
      .split('\n')
      .filter((l) => l.trim() !== '');
    t.same(
      problems,
      [
        "routeiq_routing_latency_histogram metric name should not include type 'histogram'",
      ],
      'only the kept name is reported',
    );
  });

  t.test(
    'Prometheus sees active streams rise and return to zero',
    async (t) => {
      const a = await startTestGateway(
        t,
        gatewayYaml('simple-shuffle', `{ token: ${kToken} }`),
      );
      const b = await startTestGateway(
        t,
        gatewayYaml('least-busy', '{ port: 0 }'),
      );
      const dir = await mkdtemp(join(tmpdir(), 'routeiq-prom-'));
      t.teardown(() => rm(dir, { recursive: true, force: true }));
      const cfg = await scrapeConfig(a, b);
      if (cfg === null)
        return t.fail('config/prometheus.yml has no routeiq-gateway job');
      await writeFile(join(dir, 'prometheus.yml'), cfg);
      const check = spawnSync('promtool', [
        'check',
        'config',
        join(dir, 'prometheus.yml'),
      ]);
      t.equal(check.status, 0, 'the scrape copy is valid too');

      const port = await freePort();
      let log = '';
      const prom = spawn(
        'prometheus',
        [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      prom.stderr.on(
        'data',
        (c: Buffer) => (log = (log + c.toString()).slice(-4000)),
      );
      t.teardown(() => {
        if (prom.exitCode === null) prom.kill('SIGKILL');
      });
      const api = `http://127.0.0.1:${port}`;
      const up = await waitFor(
        api,
        'sum(up{job=~"routeiq-gateway.*"})',
        (v) => v === 2,
        20_000,
      );
      if (!t.ok(up, 'both gateways scraped (token and metrics port)')) {
        return void t.comment(log);
      }

      const streams = [];
      for (let i = 0; i < kStreams; i++)
        streams.push(chat(a, true), chat(b, true));
      const perPod = await waitFor(
        api,
        'min(sum by (job) (routeiq_active_streams))',
        (v) => v > 0,
        8000,
      );
      t.ok(perPod, 'each pod reported open streams while they ran');
      await Promise.all(streams);
      const zero = await waitFor(
        api,
        'sum(routeiq_active_streams)',
        (v) => v === 0,
        8000,
      );
      t.ok(zero, 'back to zero after the streams ended');

      const depth = promValues(
        await promQuery(api, 'routeiq_request_queue_depth'),
      );
      t.equal(depth.length, 2, 'queue depth present for both gateways');
      const q =
        'count by (strategy) (routeiq_routing_latency_histogram_bucket)';
      const byStrategy = await promQuery(api, q);
      const strategies = byStrategy.map((s) => s.metric['strategy']).sort();
      t.same(
        strategies,
        ['least-busy', 'simple-shuffle'],
        'one series set per strategy',
      );
      const p99 =
        'histogram_quantile(0.99, sum by (le, strategy) (rate(routeiq_routing_latency_histogram_bucket[1m])))';
      t.equal(
        (await promQuery(api, p99)).length,
        2,
        'the documented p99 query answers',
      );
    },
  );
}
