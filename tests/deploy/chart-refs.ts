/**
 * Cross-object checks of a render, the mistakes schemas cannot see and
 * a cluster reports only at run time: a selector that matches no pods, a
 * ConfigMap or Secret that does not exist, a probe on an unnamed port,
 * an autoscaler aimed at the wrong Deployment.
 */
import { arr, dig, isObj, obj } from './repo.js';
import type { Obj } from './repo.js';
import type { K8sObject, Render } from './helm.js';

/** Container lists of a pod spec, init containers included. */
export function containersOf(podSpec: unknown): unknown[] {
  const init = dig(podSpec, 'initContainers');
  return [
    ...arr(dig(podSpec, 'containers'), 'containers'),
    ...(init === undefined ? [] : arr(init, 'initContainers')),
  ];
}

function matches(selector: unknown, labels: unknown): boolean {
  if (!isObj(selector) || Object.keys(selector).length === 0) return false;
  const l = isObj(labels) ? labels : {};
  return Object.entries(selector).every(([k, v]) => l[k] === v);
}

function names(render: Render, kind: string): Set<string> {
  return new Set(
    render.objects.filter((o) => o.kind === kind).map((o) => o.name),
  );
}

// Names of the `ports` of a container or a Service spec.
function portNames(holder: unknown): Set<unknown> {
  const ports = dig(holder, 'ports');
  return new Set(
    (Array.isArray(ports) ? ports : []).map((p) => dig(p, 'name')),
  );
}

function workloadProblems(render: Render, w: K8sObject): string[] {
  const p: string[] = [];
  const pod = dig(w.body, 'spec.template');
  if (
    !matches(
      dig(w.body, 'spec.selector.matchLabels'),
      dig(pod, 'metadata.labels'),
    )
  ) {
    p.push('selector does not match the pod template labels');
  }

  const spec = obj(dig(pod, 'spec'), 'pod spec');
  const volumes = arr(spec['volumes'] ?? [], 'volumes');
  const configMaps = names(render, 'ConfigMap');
  for (const v of volumes) {
    const cm = dig(v, 'configMap.name');
    if (cm !== undefined && !configMaps.has(String(cm))) {
      p.push(`volume uses ConfigMap ${String(cm)}, not rendered`);
    }
  }
  const sa = spec['serviceAccountName'];
  if (
    sa !== undefined &&
    sa !== 'default' &&
    !names(render, 'ServiceAccount').has(String(sa))
  ) {
    p.push(`ServiceAccount ${String(sa)} is not rendered`);
  }

  const volumeNames = new Set(volumes.map((v) => dig(v, 'name')));
  for (const c of containersOf(spec)) {
    p.push(...containerProblems(render, c, volumeNames));
  }
  return p;
}

function containerProblems(
  render: Render,
  c: unknown,
  volumeNames: Set<unknown>,
): string[] {
  const p: string[] = [];
  const who = `container ${String(dig(c, 'name'))}`;
  const ports = portNames(c);
  for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
    const port = dig(c, `${probe}.httpGet.port`);
    if (typeof port === 'string' && !ports.has(port)) {
      p.push(`${who}: ${probe} uses unnamed port ${port}`);
    }
  }
  for (const m of arr(dig(c, 'volumeMounts') ?? [], 'volumeMounts')) {
    if (!volumeNames.has(dig(m, 'name'))) {
      p.push(`${who}: mounts missing volume ${String(dig(m, 'name'))}`);
    }
  }
  const secrets = names(render, 'Secret');
  for (const e of arr(dig(c, 'envFrom') ?? [], 'envFrom')) {
    const s = dig(e, 'secretRef.name');
    if (s !== undefined && !secrets.has(String(s))) {
      p.push(`${who}: envFrom Secret ${String(s)} is not rendered`);
    }
  }
  return p;
}

interface PodTemplate {
  readonly labels: unknown;
  readonly spec: Obj;
}

function podTemplates(render: Render): PodTemplate[] {
  return render.objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'DaemonSet')
    .map((o) => ({
      labels: dig(o.body, 'spec.template.metadata.labels'),
      spec: obj(dig(o.body, 'spec.template.spec'), o.name),
    }));
}

function serviceProblems(render: Render, svc: Obj): string[] {
  const selector = dig(svc, 'spec.selector');
  const pod = podTemplates(render).find((w) => matches(selector, w.labels));
  if (pod === undefined) return ['selects no pods'];

  const named = new Set(
    containersOf(pod.spec).flatMap((c) => [...portNames(c)]),
  );
  return arr(dig(svc, 'spec.ports'), 'ports')
    .map((port) => dig(port, 'targetPort'))
    .filter((t) => typeof t === 'string' && !named.has(t))
    .map((t) => `targetPort ${String(t)} is no container port`);
}

function monitorProblems(render: Render, monitor: Obj): string[] {
  const selector = dig(monitor, 'spec.selector.matchLabels');
  const svc = render.objects.find(
    (s) =>
      s.kind === 'Service' && matches(selector, dig(s.body, 'metadata.labels')),
  );
  if (svc === undefined) return ['selects no Service'];

  const ports = portNames(dig(svc.body, 'spec'));
  return arr(dig(monitor, 'spec.endpoints'), 'endpoints')
    .map((e) => dig(e, 'port'))
    .filter((port) => !ports.has(port))
    .map((port) => `endpoint port ${String(port)} is not on the Service`);
}

function targetProblems(render: Render, o: K8sObject): string[] {
  switch (o.kind) {
    case 'Service':
      return serviceProblems(render, o.body);
    case 'ServiceMonitor':
      return monitorProblems(render, o.body);
    case 'PodDisruptionBudget': {
      const selector = dig(o.body, 'spec.selector.matchLabels');
      const hit = podTemplates(render).some((w) => matches(selector, w.labels));
      return hit ? [] : ['selects no pods'];
    }
    case 'HorizontalPodAutoscaler':
    case 'ScaledObject': {
      const target = String(dig(o.body, 'spec.scaleTargetRef.name'));
      const found = names(render, 'Deployment').has(target);
      return found ? [] : [`targets missing Deployment ${target}`];
    }
    default:
      return [];
  }
}

/** Every dangling reference in a render; empty when all resolve. */
export function referenceProblems(render: Render): string[] {
  const out: string[] = [];
  for (const o of render.objects) {
    const found =
      o.kind === 'Deployment' || o.kind === 'DaemonSet'
        ? workloadProblems(render, o)
        : targetProblems(render, o);
    out.push(...found.map((p) => `${o.kind}/${o.name}: ${p}`));
  }
  return out;
}
