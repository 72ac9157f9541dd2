/**
 * Listening: a port held by one gateway is not silently shared with a
 * second one (uWS would, through SO_REUSEPORT, unless told otherwise).
 */
import t from 'tap';
import { loadConfig } from '../../../src/config/load.js';
import { startGateway } from '../../../src/gateway.js';
import { configureLogging } from '../../../src/telemetry/logger.js';
import { freePort } from '../../helpers/process.js';

configureLogging({ level: 'silent' });

const kYaml = `model_list:
  - model_name: m
    litellm_params:
      model: mock/m
`;

function configOn(port: number) {
  const env = {};
  return loadConfig({ path: null, text: kYaml, port, env }).config;
}

t.test('a second gateway on a port in use fails to start', async (t) => {
  // A fixed port, as in production: the kernel never shares a port
  // picked for port 0, so that would hide the problem.
  const port = await freePort();
  const first = await startGateway(configOn(port));
  t.teardown(() => first.close());
  await t.rejects(
    startGateway(configOn(port)),
    /cannot listen on 127\.0\.0\.1:\d+/,
  );
  // The first one keeps the port and answers.
  const res = await fetch(`http://127.0.0.1:${port}/health/readiness`);
  t.equal(res.status, 200);
});
