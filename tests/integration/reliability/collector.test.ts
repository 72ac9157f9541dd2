/**
 * RELIABILITY.md row 8, the parts tracing/collector-outage.test.ts does
 * not show: with the collector black-holed, the span queue stays at its
 * bound, what does not fit is dropped and counted (in /metrics too), and
 * shutdown does not wait on the dead collector past its bound.
 */
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { post } from '../../helpers/http.js';
import { startOtlpReceiver } from '../../helpers/otlp-receiver.js';
import { startUpstream } from '../../helpers/upstream.js';
import { parse, total } from '../metrics/exposition.js';
import {
  chatBody,
  deployment,
  gatewayYaml,
  kChat,
  startChecked,
  watchSuite,
} from './harness.js';

watchSuite(t);

t.test(
  'a black-holed collector costs dropped spans, counted, and no hang',
  async (t) => {
    const rx = await startOtlpReceiver(t);
    rx.blackhole = true;
    const up = await startUpstream(t);
    const { url, gw } = await startChecked(
      t,
      gatewayYaml([deployment('test-model', up.url, 'dep-0')]),
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
        OTEL_EXPORTER_OTLP_TIMEOUT: '1000',
        OTEL_BSP_MAX_QUEUE_SIZE: '32',
      },
    );
    for (let i = 0; i < 60; i++) {
      const reply = await post(`${url}${kChat}`, chatBody());
      t.equal(reply.status, 200, `request ${i} served`);
    }
    const counters = gw.tracing?.counters;
    t.ok((counters?.dropped ?? 0) > 0, `${counters?.dropped} spans dropped`);
    t.ok((counters?.queued ?? 0) <= 32, 'the queue stayed at its bound');
    const samples = parse(await gw.metrics.text());
    t.ok(
      (total(samples, 'routeiq_spans_dropped_total') ?? 0) > 0,
      'and /metrics says so',
    );
    // Bounded, not fast: close must not wait for an answer never coming.
    const stop = new AbortController();
    const bound = sleep(15_000, 'stuck', { signal: stop.signal });
    const closed = gw.close().then(() => 'closed');
    t.equal(await Promise.race([closed, bound]), 'closed');
    stop.abort();
    await bound.catch(() => undefined);
  },
);
