/**
 * With uWebSockets.js's JavaScript fallback forced, the gateway refuses
 * to start (a slow gateway nobody notices is worse than none).
 */
import { connect } from 'node:net';
import t from 'tap';
import { spawnGateway } from '../helpers/process.js';

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(true));
  });
}

t.test(
  'UWS_USE_FALLBACK makes the gateway exit without listening',
  async (t) => {
    const gw = await spawnGateway(t, [], { UWS_USE_FALLBACK: '1' });
    const code = await gw.exited;
    t.not(code, 0, 'non-zero exit');
    t.not(code, null, 'it exited on its own');
    t.match(gw.output(), /GW_ERR_UWS_NATIVE_MISSING/);
    t.match(gw.output(), /native binary did not load; refusing to start/);
    t.notMatch(gw.output(), /"msg":"listening"/);
    t.ok(await refused(gw.port), 'nothing listens on the port');
  },
);
