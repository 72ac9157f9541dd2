/**
 * config/prometheus.yml: promtool accepts it (Debian's prometheus
 * package; CI installs it), and its static targets are the Compose
 * services on the ports they serve metrics on.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import t from 'tap';
import { dig, kRepoRoot, needsTool, readRepoYaml, str } from './repo.js';

const kFile = 'config/prometheus.yml';

function job(name: string): unknown {
  const jobs = dig(readRepoYaml(kFile), 'scrape_configs');
  return (Array.isArray(jobs) ? jobs : []).find(
    (j) => dig(j, 'job_name') === name,
  );
}

function targets(name: string): string[] {
  const list = dig(job(name), 'static_configs.0.targets');
  return Array.isArray(list) ? list.map((x) => str(x, 'target')) : [];
}

t.test(
  'promtool accepts config/prometheus.yml',
  needsTool('promtool', 'apt-get install -y prometheus'),
  async (t) => {
    const out = execFileSync('promtool', ['check', 'config', kFile], {
      cwd: kRepoRoot,
      encoding: 'utf8',
    });
    t.match(out, /SUCCESS/);
  },
);

t.test(
  'the gateway is scraped at gateway:4000/metrics as Compose runs it',
  async (t) => {
    const compose = readRepoYaml('docker-compose.otel.yml');
    t.ok(dig(compose, 'services.gateway'), 'a compose service named gateway');
    t.equal(dig(compose, 'services.gateway.environment.PORT'), '4000');
    t.same(targets('routeiq-gateway'), ['gateway:4000']);
    t.equal(dig(job('routeiq-gateway'), 'metrics_path'), '/metrics');
  },
);

t.test(
  "the collector's prometheus exporter is scraped where it listens",
  async (t) => {
    const collector = readRepoYaml(
      join('config', 'otel-collector-config.yaml'),
    );
    const listen = str(
      dig(collector, 'exporters.prometheus.endpoint'),
      'endpoint',
    );
    const port = listen.slice(listen.lastIndexOf(':') + 1);

    t.same(targets('otel-collector'), [`otel-collector:${port}`]);
    t.ok(
      dig(readRepoYaml('docker-compose.otel.yml'), 'services.otel-collector'),
    );
  },
);
