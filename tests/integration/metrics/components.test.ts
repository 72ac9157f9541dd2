import { Worker } from 'node:worker_threads';
import t from 'tap';
import { request } from 'undici';
import { readWorkerReport } from '../../../src/telemetry/metrics-worker.js';
import { startTestGateway, upstreamConfig } from '../../helpers/gateway.js';
import { scrape, total } from './exposition.js';

// A real worker thread that measures as an inference worker would and
// returns its figures with the result: two tasks of one batch (only the
// one that ran it carries the batch), then one malformed report.
const kWorker = `
const { parentPort } = require('node:worker_threads');
parentPort.postMessage([
  { result: 'a', metrics: { featurizeMs: 0.4, batch: { size: 2, runMs: 1.5 } } },
  { result: 'b', metrics: { featurizeMs: 0.3, batch: null } },
  { result: 'c', metrics: { featurizeMs: -1, batch: null } },
]);
`;

function runWorker(): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const w = new Worker(kWorker, { eval: true });
    w.once('message', (m: unknown) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

t.test('figures a worker thread returns reach the main registry', async (t) => {
  const { url, gw } = await startTestGateway(
    t,
    upstreamConfig(['http://127.0.0.1:9/v1']),
  );
  const results = (await runWorker()) as Array<{ metrics: unknown }>;
  const reports = results.map((r) => readWorkerReport(r.metrics));
  t.equal(reports[2], null, 'a malformed report is refused');
  for (const r of reports) if (r !== null) gw.metrics.recordWorkerTask(r);
  const s = await scrape(url);
  t.equal(total(s, 'routeiq_inference_batch_size_count'), 1, 'one batch');
  t.equal(total(s, 'routeiq_inference_batch_size_sum'), 2, 'of two tasks');
  const featurize = { phase: 'featurize' };
  t.equal(total(s, 'routeiq_inference_duration_seconds_count', featurize), 2);
  t.equal(
    total(s, 'routeiq_inference_duration_seconds_count', { phase: 'run' }),
    1,
  );
});

t.test('scrape-time readers report store, pool and span figures', async (t) => {
  const { url, gw } = await startTestGateway(
    t,
    upstreamConfig(['http://127.0.0.1:9/v1']),
  );
  let written = 7;
  gw.metrics.recordStoreCounters(() => ({
    enqueued: written + 3,
    written,
    dropped: 2,
    queued: 1,
  }));
  gw.metrics.setPoolUtilisation(() => 0.25);
  gw.metrics.recordSpanCounters(() => ({ dropped: 4, exportFailed: 1 }));
  let s = await scrape(url);
  t.equal(total(s, 'routeiq_request_log_written_total'), 7);
  t.equal(total(s, 'routeiq_request_log_dropped_total'), 2);
  t.equal(total(s, 'routeiq_request_log_queued'), 1);
  t.equal(total(s, 'routeiq_inference_pool_utilisation_ratio'), 0.25);
  t.equal(total(s, 'routeiq_spans_dropped_total', { reason: 'queue_full' }), 4);
  written = 9;
  s = await scrape(url);
  t.equal(
    total(s, 'routeiq_request_log_written_total'),
    9,
    'read again at each scrape',
  );
});

t.test(
  'a reader that throws is counted and the scrape still succeeds',
  async (t) => {
    const { url, gw } = await startTestGateway(
      t,
      upstreamConfig(['http://127.0.0.1:9/v1']),
    );
    gw.metrics.setPoolUtilisation(() => {
      throw new Error('pool gone');
    });
    const s = await scrape(url);
    t.equal(total(s, 'routeiq_metrics_collect_errors_total'), 1);
    t.equal(total(s, 'routeiq_active_streams'), 0, 'the rest is served');
  },
);

t.test('request-log rows show up as written, dropped or queued', async (t) => {
  const { url } = await startTestGateway(
    t,
    upstreamConfig(['http://127.0.0.1:9/v1']),
  );
  await request(`${url}/v1/chat/completions`, {
    method: 'POST',
    reset: true,
    body: JSON.stringify({ model: 'nope', messages: [] }),
  }).then((r) => r.body.text());
  const s = await scrape(url);
  const rows =
    (total(s, 'routeiq_request_log_written_total') ?? 0) +
    (total(s, 'routeiq_request_log_dropped_total') ?? 0) +
    (total(s, 'routeiq_request_log_queued') ?? 0);
  t.equal(rows, 1, 'the one admitted request is accounted for');
});
