/**
 * Command-line flags (`--port`, `--config`, `--host`) and the PORT
 * variable, and which of them wins.
 */
import t from 'tap';
import { parseCliArgs } from '../../../src/config/cli-args.js';
import { loadConfig } from '../../../src/config/load.js';
import { refusal } from '../../helpers/config.js';

const kYaml = 'routeiq_settings:\n  port: 4100\n  host: 127.0.0.1\n';

t.test('flags are parsed and the config path has a default', async (t) => {
  t.same(parseCliArgs(['--port', '8080', '--config', '/etc/gw.yaml']), {
    config: '/etc/gw.yaml',
    port: 8080,
    host: null,
  });
  t.same(parseCliArgs(['-p', '0', '--host', '0.0.0.0']), {
    config: 'config/gateway.yaml',
    port: 0,
    host: '0.0.0.0',
  });
});

t.test('a --port that is not a port number is refused', async (t) => {
  for (const bad of ['abc', '-1', '65536', '80.5']) {
    const r = refusal(() => parseCliArgs([`--port=${bad}`]));
    t.equal(r.path, '--port', bad);
  }
  t.throws(() => parseCliArgs(['--prot', '1']), 'unknown flags are refused');
});

t.test('--port beats PORT, which beats the file', async (t) => {
  const load = (port: number | null, env: Record<string, string>) =>
    loadConfig({ path: null, text: kYaml, port, env }).config.routeiq.port;
  t.equal(load(null, {}), 4100, 'the file');
  t.equal(load(null, { PORT: '5000' }), 5000, 'PORT over the file');
  t.equal(load(6000, { PORT: '5000' }), 6000, '--port over PORT');
  t.equal(refusal(() => load(null, { PORT: 'http' })).path, 'PORT');
});

t.test(
  'keys overridden by flags or environment are not reported unknown',
  async (t) => {
    const { config, warnings } = loadConfig({
      path: null,
      text: `${kYaml}  log_level: warn\n`,
      port: 6000,
      host: '::1',
      env: { LOG_LEVEL: 'debug' },
    });
    t.equal(config.routeiq.port, 6000);
    t.equal(config.routeiq.logLevel, 'debug');
    t.same(warnings, []);
  },
);

t.test('--host and HOST override the file the same way', async (t) => {
  const load = (host: string | null, env: Record<string, string>) =>
    loadConfig({ path: null, text: kYaml, host, env }).config.routeiq.host;
  t.equal(load(null, {}), '127.0.0.1');
  t.equal(load(null, { HOST: '::1' }), '::1');
  t.equal(load('0.0.0.0', { HOST: '::1' }), '0.0.0.0');
});

t.test('--config names the file that is loaded', async (t) => {
  const { config } = loadConfig({
    path: parseCliArgs(['--config', 'config/gateway.yaml']).config,
    env: {},
  });
  t.equal(config.source, 'config/gateway.yaml');
  t.ok(config.modelList.some((d) => d.modelName === 'gpt-4o-mini'));
});
