/**
 * Validation, unknown-key warnings, defaults and units of the loaded
 * configuration (STYLE.md #6: messages name the option path).
 */
import t from 'tap';
import { loadYaml, oneDeployment, refusal } from '../../helpers/config.js';

const kMock = oneDeployment('model: mock/m');

const kInvalid: ReadonlyArray<[string, string, string]> = [
  [
    oneDeployment('model: mock/m\nrpm: -1'),
    'model_list[0].litellm_params.rpm',
    '>= 0',
  ],
  [
    oneDeployment('model: mock/m\ntimeout: soon'),
    'model_list[0].litellm_params.timeout',
    'number',
  ],
  [
    oneDeployment('api_base: http://x'),
    'model_list[0].litellm_params.model',
    'required',
  ],
  [
    `${kMock}router_settings:\n  routing_strategy: cheapest\n`,
    'router_settings.routing_strategy',
    'cheapest',
  ],
  [
    `${kMock}router_settings:\n  num_retries: 1.5\n`,
    'router_settings.num_retries',
    'integer',
  ],
  [
    `${kMock}routeiq_settings:\n  max_in_flight: 0\n`,
    'routeiq_settings.max_in_flight',
    '>= 1',
  ],
  [
    `${kMock}routeiq_settings:\n  max_header_bytes: 512\n`,
    'routeiq_settings.max_header_bytes',
    '>= 1024',
  ],
  [
    `${kMock}routeiq_settings:\n  log_text: maybe\n`,
    'routeiq_settings.log_text',
    'boolean',
  ],
  [`${kMock}router_settings: [1, 2]\n`, 'router_settings', 'mapping'],
  ['model_list: {a: 1}\n', 'model_list', 'list'],
];

for (const [yaml, path, reason] of kInvalid) {
  t.test(`an invalid ${path} is refused naming that path`, async (t) => {
    const r = refusal(() => loadYaml(yaml));
    t.equal(r.code, 'GW_ERR_CONFIG_INVALID');
    t.equal(r.path, path);
    t.match(r.reason, reason);
  });
}

t.test('unknown keys load and are reported as warnings', async (t) => {
  const yaml = `${oneDeployment('model: mock/m\nrpn: 10')}litellm_settings:
  drop_params: true
router_settings:
  cooldown: 5
routeiq_settings:
  max_inflight: 3
  metrics:
    prot: 9464
  routers:
    r1: { strategy: knn, default_model: m, cost_wieght: 1 }
`;
  const { warnings } = loadYaml(yaml);
  t.same([...warnings].sort(), [
    'litellm_settings',
    'model_list[0].litellm_params.rpn',
    'routeiq_settings.max_inflight',
    'routeiq_settings.metrics.prot',
    'routeiq_settings.routers.r1.cost_wieght',
    'router_settings.cooldown',
  ]);
});

t.test('defaults follow LiteLLM and seconds become milliseconds', async (t) => {
  const { config, warnings } = loadYaml(kMock);
  t.same(warnings, []);
  const rs = config.routerSettings;
  t.equal(rs.routingStrategy, 'simple-shuffle');
  t.equal(rs.numRetries, 2);
  t.equal(rs.timeoutMs, 600_000);
  t.equal(rs.allowedFails, 3);
  t.equal(rs.cooldownTimeMs, 5_000);
  const rq = config.routeiq;
  t.equal(rq.host, '127.0.0.1');
  t.equal(rq.port, 4000);
  t.equal(rq.maxBodyBytes, 4 * 1024 * 1024);
  t.equal(rq.maxHeaderBytes, 16 * 1024);
  t.equal(config.modelList[0]?.timeoutMs, 600_000, 'router timeout applies');
  t.equal(config.generalSettings.masterKey, null);
});

t.test('timeouts in seconds are converted to milliseconds', async (t) => {
  const yaml = `${oneDeployment('model: mock/a\ntimeout: 2.5\nstream_timeout: 30')}  - model_name: b
    litellm_params: { model: mock/b }
router_settings:
  timeout: 7
  cooldown_time: 0.5
  retry_after_cap: 3
`;
  const { config } = loadYaml(yaml);
  const [a, b] = config.modelList;
  t.equal(a?.timeoutMs, 2_500);
  t.equal(a?.streamTimeoutMs, 30_000);
  t.equal(b?.timeoutMs, 7_000, 'inherits router_settings.timeout');
  t.equal(b?.streamTimeoutMs, 7_000, 'stream timeout defaults to timeout');
  t.equal(config.routerSettings.cooldownTimeMs, 500);
  t.equal(config.routerSettings.retryAfterCapMs, 3_000);
});

t.test('the loaded config is frozen', async (t) => {
  const { config } = loadYaml(kMock);
  t.ok(Object.isFrozen(config));
  t.ok(Object.isFrozen(config.modelList[0]));
  t.throws(() => {
    (config.routeiq as { port: number }).port = 1;
  }, TypeError);
});
