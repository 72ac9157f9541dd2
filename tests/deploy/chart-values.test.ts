/**
 * values.yaml against values.schema.json (as helm install/lint would),
 * and the schema's refusals of value combinations that would misbehave.
 */
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { kChartDir } from './helm.js';
import { obj } from './repo.js';
import type { Obj } from './repo.js';

const schema = obj(
  JSON.parse(readFileSync(join(kChartDir, 'values.schema.json'), 'utf8')),
  'values.schema.json',
);
const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(
  schema,
);

function values(): Obj {
  const text = readFileSync(join(kChartDir, 'values.yaml'), 'utf8');
  return obj(parse(text), 'values.yaml');
}

function errorsFor(change: (v: Obj) => void): string[] {
  const v = values();
  change(v);
  validate(v);
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

t.test('values.yaml passes values.schema.json', async (t) => {
  t.same(
    errorsFor(() => undefined),
    [],
  );
});

t.test('the schema refuses the HPA and KEDA enabled together', async (t) => {
  const errors = errorsFor((v) => {
    obj(obj(v['autoscaling'], 'a')['keda'], 'keda')['enabled'] = true;
  });
  t.ok(errors.some((e) => e.startsWith('/autoscaling must NOT be valid')));
});

t.test(
  'the schema refuses a KEDA fallback alongside a CPU trigger',
  async (t) => {
    const errors = errorsFor((v) => {
      const keda = obj(obj(v['autoscaling'], 'a')['keda'], 'keda');
      keda['cpuTrigger'] = true;
    });
    t.ok(
      errors.some((e) => e.startsWith('/autoscaling/keda must NOT be valid')),
    );
  },
);

t.test('the schema refuses typos and unknown collector modes', async (t) => {
  const errors = errorsFor((v) => {
    v['replicas'] = 3;
    obj(v['otelCollector'], 'otelCollector')['mode'] = 'agent';
  });
  t.ok(errors.includes(' must NOT have additional properties'));
  t.ok(
    errors.includes(
      '/otelCollector/mode must be equal to one of the allowed values',
    ),
  );
});

t.test('the schema refuses setting drain_timeout_ms in config', async (t) => {
  const errors = errorsFor((v) => {
    const config = obj(v['config'], 'config');
    config['routeiq_settings'] = { drain_timeout_ms: 90000 };
  });
  t.ok(errors.some((e) => e.startsWith('/config/routeiq_settings must NOT')));
});
