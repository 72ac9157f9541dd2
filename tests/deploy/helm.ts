/**
 * Renders the Helm chart with tests/deploy/helm-render (Go text/template
 * plus sprig, the subset of Helm the chart uses) and parses the output.
 * The renderer is built once per source hash into .routeiq/ (gitignored):
 * Debian's golang-go, golang-github-masterminds-sprig-dev and
 * golang-k8s-sigs-yaml-dev, in GOPATH mode.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
} from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { arr, kRepoRoot, obj, str } from './repo.js';
import type { Obj } from './repo.js';

/** The chart under test. */
export const kChartDir = join(kRepoRoot, 'deploy', 'charts', 'routeiq-gateway');

/** apt packages the renderer needs, for skip and failure messages. */
export const kGoPackages =
  'golang-go golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev';

const kSourceDir = join(kRepoRoot, 'tests', 'deploy', 'helm-render');
const kCacheDir = join(kRepoRoot, '.routeiq', 'helm-render');

/** One rendered Kubernetes object and the template it came from. */
export interface K8sObject {
  readonly source: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly body: Obj;
}

/** A chart render: objects in template order, and NOTES.txt. */
export interface Render {
  readonly objects: readonly K8sObject[];
  readonly notes: string;
}

let builtBinary: string | undefined;

// Concurrent test files may build at once: each builds to its own temp
// name and renames into place, so a reader never sees half a binary.
function rendererBinary(): string {
  if (builtBinary !== undefined) return builtBinary;
  const hash = createHash('sha256');
  for (const f of readdirSync(kSourceDir).sort()) {
    if (f.endsWith('.go')) {
      hash.update(f).update(readFileSync(join(kSourceDir, f)));
    }
  }
  const dir = join(kCacheDir, hash.digest('hex').slice(0, 16));
  const bin = join(dir, 'helm-render');
  builtBinary = bin;
  if (existsSync(bin)) return bin;

  mkdirSync(dir, { recursive: true });
  const tmp = `${bin}.${process.pid}`;
  execFileSync('go', ['build', '-o', tmp, '.'], {
    cwd: kSourceDir,
    env: {
      ...process.env,
      GOPATH: '/usr/share/gocode',
      GO111MODULE: 'off',
      GOFLAGS: '',
      GOCACHE: join(kRepoRoot, '.routeiq', 'go-cache'),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  renameSync(tmp, bin);
  return bin;
}

function toObject(source: string, doc: unknown): K8sObject {
  const body = obj(doc, source);
  const meta = obj(body['metadata'], `${source} metadata`);
  return {
    source,
    apiVersion: str(body['apiVersion'], `${source} apiVersion`),
    kind: str(body['kind'], `${source} kind`),
    name: str(meta['name'], `${source} metadata.name`),
    body,
  };
}

/** What to render: value overrides and the cluster version. */
export interface Scenario {
  readonly values?: readonly Obj[];
  readonly kubeVersion?: string;
}

/**
 * Render the chart as release "gw" in namespace "ai", with values.yaml
 * and the scenario's overrides merged over it (as `helm template
 * --set-json` would). Throws with the renderer's message when a
 * template fails.
 */
export function renderChart(scenario: Scenario = {}): Render {
  const args = ['-chart', kChartDir, '-release', 'gw', '-namespace', 'ai'];
  args.push('-kube-version', scenario.kubeVersion ?? 'v1.31.0');
  for (const o of scenario.values ?? []) {
    args.push('-set-json', JSON.stringify(o));
  }
  const out = obj(
    JSON.parse(
      execFileSync(rendererBinary(), args, {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    ),
    'renderer output',
  );

  const objects: K8sObject[] = [];
  for (const raw of arr(out['manifests'], 'manifests')) {
    const m = obj(raw, 'manifest');
    const source = str(m['source'], 'manifest source');
    for (const doc of parseAllDocuments(str(m['content'], source))) {
      if (doc.errors.length > 0) throw doc.errors[0];
      const value: unknown = doc.toJS();
      if (value !== null && value !== undefined) {
        objects.push(toObject(source, value));
      }
    }
  }
  return { objects, notes: str(out['notes'], 'NOTES.txt') };
}

/** The one object of `kind` (named `name` if given); throws otherwise. */
export function only(render: Render, kind: string, name?: string): Obj {
  const hits = render.objects.filter(
    (o) => o.kind === kind && (name === undefined || o.name === name),
  );
  const [hit] = hits;
  if (hits.length !== 1 || hit === undefined) {
    throw new Error(`expected one ${kind}, rendered ${hits.length}`);
  }
  return hit.body;
}

/** Every optional path the chart supports, by name. */
export const kScenarios: Readonly<Record<string, Scenario>> = {
  defaults: {},
  'sidecar collector': {
    values: [
      {
        otelCollector: {
          mode: 'sidecar',
          jaeger: { endpoint: 'jaeger-collector.observability:4317' },
        },
      },
    ],
  },
  'sidecar collector before native sidecars (1.28)': {
    values: [{ otelCollector: { mode: 'sidecar' } }],
    kubeVersion: 'v1.28.9',
  },
  'daemonset collector': {
    values: [
      {
        otelCollector: {
          mode: 'daemonset',
          backend: { endpoint: 'https://otlp.example.com' },
        },
      },
    ],
  },
  'KEDA instead of HPA, with ServiceMonitor': {
    values: [
      {
        autoscaling: { hpa: { enabled: false }, keda: { enabled: true } },
        serviceMonitor: { enabled: true },
      },
    ],
  },
};
