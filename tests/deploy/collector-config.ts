/**
 * Static checks of an OpenTelemetry Collector config, the ones the
 * collector itself makes at start-up and we cannot run here: every
 * component a pipeline names is defined, connectors join pipelines of
 * both kinds, extensions in service.extensions exist. Used for the
 * Compose file's config and the chart's rendered ones alike.
 * https://opentelemetry.io/docs/collector/configuration/
 */
import { arr, dig, isObj, obj, str } from './repo.js';
import type { Obj } from './repo.js';

const kKinds = ['receivers', 'processors', 'exporters'] as const;

function section(cfg: Obj, name: string): Obj {
  const s = cfg[name];
  return isObj(s) ? s : {};
}

/** Names of the pipelines under service.pipelines. */
export function pipelines(cfg: Obj): Map<string, Obj> {
  const service = obj(cfg['service'], 'service');
  const out = new Map<string, Obj>();
  const all = obj(service['pipelines'], 'service.pipelines');
  for (const [name, p] of Object.entries(all)) {
    out.set(name, obj(p, `service.pipelines.${name}`));
  }
  return out;
}

/** The component ids a pipeline lists under `kind`. */
export function listed(pipeline: Obj, kind: string): string[] {
  const raw = pipeline[kind];
  if (raw === undefined) return [];
  return arr(raw, kind).map((id) => str(id, kind));
}

/** Every reason the collector would refuse this config; empty if none. */
export function collectorProblems(cfg: Obj): string[] {
  const problems: string[] = [];
  const connectors = section(cfg, 'connectors');

  for (const [name, p] of pipelines(cfg)) {
    for (const kind of kKinds) {
      const defined = section(cfg, kind);
      for (const id of listed(p, kind)) {
        // A connector is an exporter of one pipeline, receiver of another.
        const viaConnector = kind !== 'processors' && id in connectors;
        if (!(id in defined) && !viaConnector) {
          problems.push(`pipeline ${name}: ${kind} "${id}" is not defined`);
        }
      }
    }
    if (listed(p, 'receivers').length === 0) {
      problems.push(`pipeline ${name}: no receivers`);
    }
    if (listed(p, 'exporters').length === 0) {
      problems.push(`pipeline ${name}: no exporters`);
    }
  }

  const extensions = section(cfg, 'extensions');
  const service = obj(cfg['service'], 'service');
  for (const id of listed(service, 'extensions')) {
    if (!(id in extensions)) problems.push(`extension "${id}" not defined`);
  }
  return problems;
}

/** Where an OTLP receiver's protocol listens, as host and port. */
export function otlpListen(
  cfg: Obj,
  receiver: string,
  protocol: 'grpc' | 'http',
): { host: string; port: number } {
  const at = `receivers.${receiver}.protocols.${protocol}.endpoint`;
  const endpoint = str(dig(cfg, at), at);
  const colon = endpoint.lastIndexOf(':');
  return {
    host: endpoint.slice(0, colon),
    port: Number(endpoint.slice(colon + 1)),
  };
}
