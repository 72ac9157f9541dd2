/**
 * Schema checks for rendered objects. Core kinds go through
 * kubernetes-models (the Kubernetes OpenAPI schemas compiled to
 * validators: types, required fields, enums; unknown fields are not
 * reported). The two CRDs it lacks get their required fields checked by
 * hand, after the CRDs' own rules:
 * https://keda.sh/docs/latest/reference/scaledobject-spec/
 * https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.ServiceMonitor
 */
import { DaemonSet, Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import {
  ConfigMap,
  Secret,
  Service,
  ServiceAccount,
} from 'kubernetes-models/v1';
import { dig, isObj } from './repo.js';
import type { K8sObject } from './helm.js';

type Ctor = new (data: never) => { validate(): void };

const kModels: Readonly<Record<string, Ctor>> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'apps/v1/DaemonSet': DaemonSet,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

const kDns1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const kDuration = /^(\d+(ms|s|m|h))+$/;

function scaledObjectProblems(body: unknown): string[] {
  const p: string[] = [];
  if (typeof dig(body, 'spec.scaleTargetRef.name') !== 'string') {
    p.push('spec.scaleTargetRef.name is required');
  }
  const triggers = dig(body, 'spec.triggers');
  if (!Array.isArray(triggers) || triggers.length === 0) {
    return [...p, 'spec.triggers needs at least one trigger'];
  }
  for (const [i, t] of triggers.entries()) {
    if (typeof dig(t, 'type') !== 'string') p.push(`triggers[${i}].type`);
    // The CRD types trigger metadata as map[string]string.
    const meta = dig(t, 'metadata');
    if (
      !isObj(meta) ||
      Object.values(meta).some((v) => typeof v !== 'string')
    ) {
      p.push(`triggers[${i}].metadata must map names to strings`);
    }
  }
  // KEDA's CheckFallbackValid: fallback only with AverageValue triggers
  // and never with the CPU or memory scalers.
  if (dig(body, 'spec.fallback') !== undefined) {
    for (const [i, t] of triggers.entries()) {
      const type = dig(t, 'type');
      if (type === 'cpu' || type === 'memory') p.push(`fallback with ${type}`);
      if (dig(t, 'metricType') !== 'AverageValue') {
        p.push(`fallback needs triggers[${i}].metricType AverageValue`);
      }
    }
  }
  const min = Number(dig(body, 'spec.minReplicaCount') ?? 0);
  const max = Number(dig(body, 'spec.maxReplicaCount') ?? 100);
  if (!(min <= max)) p.push('minReplicaCount exceeds maxReplicaCount');
  return p;
}

function serviceMonitorProblems(body: unknown): string[] {
  const p: string[] = [];
  if (!isObj(dig(body, 'spec.selector'))) p.push('spec.selector is required');
  const endpoints = dig(body, 'spec.endpoints');
  if (!Array.isArray(endpoints) || endpoints.length === 0) {
    return [...p, 'spec.endpoints needs at least one endpoint'];
  }
  for (const [i, e] of endpoints.entries()) {
    if (typeof dig(e, 'port') !== 'string') p.push(`endpoints[${i}].port`);
    const path = dig(e, 'path');
    if (typeof path !== 'string' || !path.startsWith('/')) {
      p.push(`endpoints[${i}].path must be absolute`);
    }
    for (const key of ['interval', 'scrapeTimeout']) {
      const v = dig(e, key);
      if (v !== undefined && !kDuration.test(String(v))) {
        p.push(`endpoints[${i}].${key} is not a duration`);
      }
    }
  }
  return p;
}

/** Every schema problem of one rendered object; empty when it is valid. */
export function schemaProblems(o: K8sObject): string[] {
  const where = `${o.kind}/${o.name}`;
  const problems: string[] = [];
  if (o.name.length > 63 || !kDns1123.test(o.name)) {
    problems.push(`${where}: metadata.name is not a DNS-1123 label`);
  }

  const Model = kModels[`${o.apiVersion}/${o.kind}`];
  if (Model !== undefined) {
    try {
      new Model(o.body as never).validate();
    } catch (err) {
      problems.push(`${where}: ${String(err)}`);
    }
  } else if (o.apiVersion === 'keda.sh/v1alpha1' && o.kind === 'ScaledObject') {
    problems.push(...scaledObjectProblems(o.body).map((p) => `${where}: ${p}`));
  } else if (
    o.apiVersion === 'monitoring.coreos.com/v1' &&
    o.kind === 'ServiceMonitor'
  ) {
    problems.push(
      ...serviceMonitorProblems(o.body).map((p) => `${where}: ${p}`),
    );
  } else {
    problems.push(`${where}: no schema for ${o.apiVersion} ${o.kind}`);
  }
  return problems;
}
