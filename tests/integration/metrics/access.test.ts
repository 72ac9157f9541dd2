import t from 'tap';
import { request } from 'undici';
import { startTestGateway, upstreamConfig } from '../../helpers/gateway.js';
import { parse, total } from './exposition.js';

// A canary: it must never be echoed back in any answer.
const kToken = 'metrics-canary-7f3a9c1e5b2d';

function get(base: string, authorization?: string) {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers['authorization'] = authorization;
  return request(`${base}/metrics`, { headers, reset: true });
}

t.test(
  'a metrics token refuses scrapes without it or with another',
  async (t) => {
    const yaml = upstreamConfig(
      ['http://127.0.0.1:9/v1'],
      `routeiq_settings:\n  metrics:\n    token: ${kToken}\n`,
    );
    const { url } = await startTestGateway(t, yaml);
    for (const auth of [undefined, 'Bearer wrong', `Basic ${kToken}`]) {
      const res = await get(url, auth);
      const body = await res.body.text();
      t.equal(res.statusCode, 401, `refused: ${auth ?? 'no header'}`);
      t.match(JSON.parse(body), { error: { type: 'authentication_error' } });
      t.notMatch(body, kToken, 'the token is not echoed');
    }
    const ok = await get(url, `Bearer ${kToken}`);
    const samples = parse(await ok.body.text());
    t.equal(ok.statusCode, 200, 'the right token scrapes');
    t.equal(total(samples, 'routeiq_active_streams'), 0);
  },
);

t.test(
  'a metrics port serves /metrics and the main port does not',
  async (t) => {
    const yaml = upstreamConfig(
      ['http://127.0.0.1:9/v1'],
      'routeiq_settings:\n  metrics:\n    port: 0\n',
    );
    const { url, gw } = await startTestGateway(t, yaml);
    t.not(gw.metricsPort, null, 'a metrics listener was opened');
    const main = await get(url);
    await main.body.text();
    t.equal(main.statusCode, 404, 'not on the main listener');
    const side = await get(`http://127.0.0.1:${gw.metricsPort}`);
    const samples = parse(await side.body.text());
    t.equal(side.statusCode, 200);
    t.equal(total(samples, 'routeiq_request_queue_depth'), 0);
  },
);
