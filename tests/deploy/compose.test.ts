/**
 * docker-compose.otel.yml, checked without a Docker engine: the Compose
 * Specification schema, the files it names, start order, and that the
 * gateway's OTLP endpoint is where the collector listens.
 */
import { Ajv } from 'ajv';
import ajvFormats from 'ajv-formats';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import t from 'tap';
import { otlpListen } from './collector-config.js';
import {
  dig,
  isObj,
  kRepoRoot,
  kSharedSchemas,
  obj,
  readRepoFile,
  readRepoYaml,
  str,
} from './repo.js';

// ajv-formats is CommonJS; under NodeNext its plugin is the default key.
const addFormats = ajvFormats.default;
const kComposeFile = 'docker-compose.otel.yml';
const compose = readRepoYaml(kComposeFile);
const services = obj(compose['services'], 'services');

function service(name: string) {
  return obj(services[name], `services.${name}`);
}

// Short volume syntax "source:target[:mode]"; a source with a slash or
// dot is a bind mount of a host path, anything else a named volume.
function bindMounts(
  svc: Record<string, unknown>,
): { src: string; dst: string }[] {
  const volumes = svc['volumes'];
  if (!Array.isArray(volumes)) return [];
  return volumes
    .map((v) => str(v, 'volume').split(':'))
    .filter(([src]) => src !== undefined && /^[./]/.test(src))
    .map(([src, dst]) => ({ src: src ?? '', dst: dst ?? '' }));
}

t.test(
  'the compose file validates against the Compose Specification',
  async (t) => {
    const schema = obj(
      JSON.parse(
        readFileSync(join(kSharedSchemas, 'compose-spec.json'), 'utf8'),
      ),
      'compose-spec.json',
    );
    // The spec declares draft-07 under its https URL; Ajv knows it as http.
    const meta: unknown = createRequire(import.meta.url)(
      'ajv/dist/refs/json-schema-draft-07.json',
    );
    const ajv = new Ajv({
      allErrors: true,
      allowUnionTypes: true,
      strictTypes: false,
    });
    addFormats(ajv);
    ajv.addMetaSchema({
      ...obj(meta, 'draft-07'),
      $id: str(schema['$schema'], '$schema'),
    });

    const validate = ajv.compile(schema);
    t.ok(validate(compose), 'valid Compose file');
    t.same(validate.errors ?? [], [], 'no schema errors');
  },
);

t.test(
  'every file the compose file names exists in the repository',
  async (t) => {
    const named: string[] = [];
    for (const [name, raw] of Object.entries(services)) {
      const svc = obj(raw, name);
      const build = svc['build'];
      if (isObj(build)) {
        const context = str(build['context'] ?? '.', 'build.context');
        named.push(
          context,
          join(context, str(build['dockerfile'] ?? 'Dockerfile', 'f')),
        );
      }
      named.push(...bindMounts(svc).map((m) => m.src));
    }

    t.ok(named.length >= 4, 'build context, Dockerfile and mounted configs');
    for (const rel of named) {
      t.ok(existsSync(join(kRepoRoot, rel)), `${rel} exists`);
    }
  },
);

t.test('services waited on as healthy have a healthcheck', async (t) => {
  const dockerfileHealth = /^HEALTHCHECK\s/m.test(readRepoFile('Dockerfile'));
  let waits = 0;
  for (const [name, raw] of Object.entries(services)) {
    const deps = obj(raw, name)['depends_on'];
    if (!isObj(deps)) continue;
    for (const [dep, cond] of Object.entries(deps)) {
      t.ok(dep in services, `${name} depends on defined service ${dep}`);
      if (dig(cond, 'condition') !== 'service_healthy') continue;
      waits += 1;
      const target = service(dep);
      // A service built from our Dockerfile inherits its HEALTHCHECK.
      const has =
        isObj(target['healthcheck']) ||
        (isObj(target['build']) && dockerfileHealth);
      t.ok(has, `${dep} (awaited by ${name}) has a healthcheck`);
    }
  }
  t.ok(waits >= 2, 'start order uses health conditions');
});

t.test(
  'the gateway sends OTLP to where the collector receives it',
  async (t) => {
    const env = obj(service('gateway')['environment'], 'gateway.environment');
    const endpoint = new URL(
      str(env['OTEL_EXPORTER_OTLP_ENDPOINT'], 'endpoint'),
    );

    const collector = service(endpoint.hostname);
    const mount = bindMounts(collector).find((m) =>
      m.src.endsWith('otel-collector-config.yaml'),
    );
    t.ok(mount, 'collector mounts config/otel-collector-config.yaml');
    t.match(
      JSON.stringify(collector['command']),
      `--config=${mount?.dst ?? '?'}`,
    );

    const cfg = readRepoYaml(mount?.src.replace(/^\.\//, '') ?? '');
    const grpc = otlpListen(cfg, 'otlp', 'grpc');
    t.equal(Number(endpoint.port), grpc.port, 'same port as the gRPC receiver');
    t.equal(grpc.host, '0.0.0.0', 'receiver reachable from other containers');
    t.equal(env['OTEL_EXPORTER_OTLP_PROTOCOL'], 'grpc');
  },
);
