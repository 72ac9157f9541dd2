/**
 * A real PostgreSQL 15 for tests, from the machine's binaries (apt
 * package postgresql-15; set PG_BIN to use another bin dir). The server
 * refuses to run as root, so under root every command runs as the
 * `postgres` user. One cluster per test file: data and socket in a fresh
 * /tmp dir, a free loopback port, trust auth, fsync off for speed.
 */
import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const kBin = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const kAsRoot = process.getuid?.() === 0;
let nextDb = 0;

/** A running (or stopped, for outage tests) test cluster. */
export interface PgCluster {
  readonly port: number;
  /** Connection URL of a database in this cluster. */
  url(database?: string): string;
  /** Create an empty database and return its URL. */
  createDatabase(): Promise<string>;
  /** Stop the server; clients see their connections drop. */
  stop(): Promise<void>;
  /** Start it again on the same port and data. */
  start(): Promise<void>;
  /** Stop if running and delete every file. */
  teardown(): Promise<void>;
}

async function pgCmd(tool: string, args: string[]): Promise<void> {
  const bin = join(kBin, tool);
  if (!existsSync(bin)) {
    throw new Error(`${bin} missing: install postgresql-15 or set PG_BIN`);
  }
  const [cmd, argv] = kAsRoot
    ? ['runuser', ['-u', 'postgres', '--', bin, ...args]]
    : [bin, args];
  await run(cmd, argv, { timeout: 60_000 });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function ownByPostgres(dir: string): Promise<void> {
  if (!kAsRoot) return;
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  await chown(dir, uid, gid);
}

/** initdb and start a cluster; pass its `teardown` to t.teardown. */
export async function startPostgres(): Promise<PgCluster> {
  const dir = await mkdtemp('/tmp/riq-pg-');
  await ownByPostgres(dir);
  const data = join(dir, 'data');
  const port = await freePort();
  await pgCmd('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);

  const serverOpts = [
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
    '-c fsync=off -c synchronous_commit=off -c full_page_writes=off',
    '-c shared_buffers=16MB -c max_connections=50',
  ].join(' ');
  let running = false;
  const url = (db = 'postgres'): string =>
    `postgres://postgres@127.0.0.1:${port}/${db}`;

  const cluster: PgCluster = {
    port,
    url,
    async createDatabase() {
      const name = `t${process.pid}_${nextDb++}`;
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      await client.query(`CREATE DATABASE ${name}`);
      await client.end();
      return url(name);
    },
    async stop() {
      await pgCmd('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      running = false;
    },
    async start() {
      const log = join(dir, 'server.log');
      await pgCmd('pg_ctl', [
        '-D',
        data,
        '-l',
        log,
        '-w',
        '-o',
        serverOpts,
        'start',
      ]);
      running = true;
    },
    async teardown() {
      if (running) await cluster.stop().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await cluster.start();
  } catch (err: unknown) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return cluster;
}
