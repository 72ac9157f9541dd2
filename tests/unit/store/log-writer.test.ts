import t from 'tap';
import type { Test } from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { LogWriter } from '../../../src/store/log-writer.js';
import type {
  BatchSink,
  LogWriterOptions,
} from '../../../src/store/log-writer.js';
import type { RequestLogRow } from '../../../src/store/types.js';
import { errorCode } from '../../../src/store/error-code.js';
import { configureLogging } from '../../../src/telemetry/logger.js';
import { makeRow } from '../../integration/store/log-rows.js';

/** A sink the test can take down, or make refuse given rows as bad data. */
class TestSink implements BatchSink {
  readonly system = 'sqlite';
  up = true;
  readonly refused = new Set<string>();
  readonly written: RequestLogRow[] = [];

  async writeBatch(rows: readonly RequestLogRow[]) {
    await sleep(1);
    if (!this.up)
      throw Object.assign(new Error('down'), { code: 'ECONNREFUSED' });
    if (rows.some((r) => this.refused.has(r.requestId))) {
      throw Object.assign(new Error('bad row'), { code: '22P02' });
    }
    this.written.push(...rows);
    return { startedAt: Date.now(), endedAt: Date.now() };
  }

  isRetryable(err: unknown): boolean {
    return errorCode(err) === 'ECONNREFUSED';
  }
}

const kOpts: LogWriterOptions = {
  queueCapacity: 100,
  batchSize: 10,
  flushIntervalMs: 1,
  logText: false,
  retryInitialMs: 1,
  retryMaxMs: 5,
  hooks: {},
};

function writer(
  t: Test,
  sink: BatchSink,
  over: Partial<LogWriterOptions> = {},
) {
  const w = new LogWriter(sink, { ...kOpts, ...over });
  t.teardown(() => w.close(10));
  return w;
}

t.test(
  'rows wait while the sink fails and are written in order once it is back',
  async (t) => {
    const sink = new TestSink();
    sink.up = false;
    const w = writer(t, sink);
    const rows = Array.from({ length: 25 }, () => makeRow());
    for (const row of rows) w.enqueue(row);
    await sleep(30);
    t.same(w.counters(), { enqueued: 25, written: 0, dropped: 0, queued: 25 });

    sink.up = true;
    await w.flush(5000);
    t.same(w.counters(), { enqueued: 25, written: 25, dropped: 0, queued: 0 });
    t.same(
      sink.written.map((r) => r.requestId),
      rows.map((r) => r.requestId),
    );
  },
);

t.test(
  'a refused row is dropped alone while its batch-mates are written',
  async (t) => {
    const sink = new TestSink();
    const w = writer(t, sink);
    const rows = Array.from({ length: 10 }, () => makeRow());
    sink.refused.add(rows[3]!.requestId);
    for (const row of rows) w.enqueue(row);
    await w.flush(5000);

    t.same(w.counters(), { enqueued: 10, written: 9, dropped: 1, queued: 0 });
    t.same(
      sink.written.map((r) => r.requestId),
      rows.filter((_, i) => i !== 3).map((r) => r.requestId),
    );
  },
);

t.test(
  'drops are logged once per burst, with the count and the reasons',
  async (t) => {
    const lines: string[] = [];
    configureLogging({
      level: 'info',
      destination: { write: (s: string) => void lines.push(s) },
    });
    t.teardown(() => void configureLogging({ level: 'silent' }));
    const sink = new TestSink();
    sink.up = false;
    const w = new LogWriter(sink, { ...kOpts, queueCapacity: 5 });
    for (let i = 0; i < 30; i += 1) w.enqueue(makeRow());
    await w.close(20);

    const drops = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'request log rows dropped');
    t.same(
      drops.map((l) => [l.dropped, l.reasons]),
      [[30, { queue_full: 25, closed: 5 }]],
    );
    t.same(w.counters(), { enqueued: 30, written: 0, dropped: 30, queued: 0 });
  },
);

t.test('flush returns at its deadline while the sink stays down', async (t) => {
  const sink = new TestSink();
  sink.up = false;
  const w = writer(t, sink);
  for (let i = 0; i < 3; i += 1) w.enqueue(makeRow());
  await w.flush(20);

  t.same(w.counters(), { enqueued: 3, written: 0, dropped: 0, queued: 3 });
});

t.test(
  'prompt and completion text are stripped unless logText is set',
  async (t) => {
    const sink = new TestSink();
    const w = writer(t, sink);
    w.enqueue(
      makeRow({ promptText: 'secret prompt', completionText: 'answer' }),
    );
    await w.flush(5000);

    t.equal(sink.written.length, 1);
    t.same(
      [sink.written[0]?.promptText, sink.written[0]?.completionText],
      [null, null],
    );
  },
);

t.test('a row enqueued after close is dropped and counted', async (t) => {
  const sink = new TestSink();
  const w = writer(t, sink);
  await w.close(100);
  w.enqueue(makeRow());

  t.same(w.counters(), { enqueued: 1, written: 0, dropped: 1, queued: 0 });
  t.equal(sink.written.length, 0);
});
