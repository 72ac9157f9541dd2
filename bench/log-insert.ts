/**
 * The request log's insert cost with time-ordered (UUIDv7) request ids
 * against random (v4) ones, in one process, alternating: the same
 * SqliteDb the writer thread runs, the same batches, a fresh file each
 * run. Reports CPU µs per row and the ratio v4 / v7.
 *
 *   node dist/bench/log-insert.js [--rows 300000] [--batch 64] [--rounds 2]
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { newRequestId } from '../src/request-id.js';
import { logRowParams } from '../src/store/log-codec.js';
import type { SqlValue } from '../src/store/log-codec.js';
import { SqliteDb } from '../src/store/sqlite/sqlite-db.js';
import type { RequestLogRow } from '../src/store/types.js';

type IdKind = 'v4' | 'v7';

function row(id: string, startedAt: number): RequestLogRow {
  return {
    requestId: id,
    traceId: null,
    parentSpanId: null,
    traceFlags: 0,
    startedAt,
    route: '/v1/chat/completions',
    keyId: null,
    requestedModel: 'bench-model',
    modelGroup: 'bench-model',
    deployment: 'bench-model#0',
    strategy: 'simple-shuffle',
    routingScore: null,
    stream: false,
    status: 200,
    outcome: 'ok',
    errorCode: null,
    latencyMs: 3.5,
    ttftMs: 2.25,
    inputTokens: 12,
    outputTokens: 34,
    costUsd: 0,
    promptText: null,
    completionText: null,
  };
}

/** CPU µs per row to log `rows` rows in batches of `batch`. */
function run(kind: IdKind, rows: number, batch: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'routeiq-log-insert-'));
  const db = new SqliteDb(join(dir, 'log.db'));
  // 16 requests a millisecond: about the rate of a saturated gateway.
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < rows; i += batch) {
    const values: SqlValue[] = [];
    for (let j = i; j < Math.min(rows, i + batch); j++) {
      const at = t0 + (j >> 4);
      const id = kind === 'v7' ? newRequestId(at) : randomUUID();
      values.push(...logRowParams(row(id, at)));
    }
    db.run({ op: 'insertLog', values });
  }
  const cpu = process.cpuUsage(cpu0);
  db.run({ op: 'close' });
  rmSync(dir, { recursive: true, force: true });
  return (cpu.user + cpu.system) / rows;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '300000' },
      batch: { type: 'string', default: '64' },
      rounds: { type: 'string', default: '2' },
    },
  });
  const rows = Number(values.rows);
  const batch = Number(values.batch);
  for (let r = 1; r <= Number(values.rounds); r++) {
    const v4 = run('v4', rows, batch);
    const v7 = run('v7', rows, batch);
    console.log(
      `round ${r}: ${rows} rows, batches of ${batch}: ` +
        `v4 ${v4.toFixed(2)} µs/row, v7 ${v7.toFixed(2)} µs/row, ` +
        `v4 / v7 = ${(v4 / v7).toFixed(2)}`,
    );
  }
}

main();
