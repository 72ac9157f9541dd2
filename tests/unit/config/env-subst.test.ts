/**
 * LiteLLM's `os.environ/VAR` values: replaced at any depth, and a
 * missing variable refused with the option path that named it.
 */
import t from 'tap';
import { substituteEnv } from '../../../src/config/env-subst.js';
import { loadYaml, oneDeployment, refusal } from '../../helpers/config.js';

t.test('os.environ values are replaced at every depth', async (t) => {
  const yaml = `${oneDeployment(`
model: openai/gpt-4o
api_key: os.environ/PROVIDER_KEY
rpm: os.environ/DEP_RPM`)}router_settings:
  num_retries: os.environ/RETRIES
  fallbacks: [{ m: [os.environ/FALLBACK] }]
general_settings:
  master_key: os.environ/MASTER
`;
  const env = {
    PROVIDER_KEY: 'sk-provider',
    DEP_RPM: '120',
    RETRIES: '5',
    FALLBACK: 'other',
    MASTER: 'sk-master',
  };
  const { config } = loadYaml(yaml, env);
  t.equal(config.modelList[0]?.apiKey, 'sk-provider');
  t.equal(config.modelList[0]?.rpm, 120, 'numeric strings become numbers');
  t.equal(config.routerSettings.numRetries, 5);
  t.same(config.routerSettings.fallbacks.get('m'), ['other'], 'inside lists');
  t.equal(config.generalSettings.masterKey, 'sk-master');
});

t.test('a missing variable is refused naming the option path', async (t) => {
  const yaml = oneDeployment(`
model: openai/gpt-4o
api_key: os.environ/NOT_SET_ANYWHERE`);
  const r = refusal(() => loadYaml(yaml, {}));
  t.equal(r.code, 'GW_ERR_CONFIG_INVALID');
  t.equal(r.path, 'model_list[0].litellm_params.api_key');
  t.match(r.reason, /NOT_SET_ANYWHERE/);
});

t.test('only whole os.environ/ values are substituted', async (t) => {
  const doc = {
    a: 'prefix os.environ/X',
    b: ['os.environ/X', 7, null],
    c: { d: { e: 'os.environ/X' } },
  };
  const out = substituteEnv(doc, { X: 'value' });
  t.same(out, {
    a: 'prefix os.environ/X',
    b: ['value', 7, null],
    c: { d: { e: 'value' } },
  });
  t.equal(doc.c.d.e, 'os.environ/X', 'the input is not mutated');
});
