/**
 * The Dockerfile, read statically (no Docker engine here): its runtime
 * stage, health check and CMD, and that .dockerignore keeps what the
 * build copies. `docker build` itself runs where Docker is.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { kRepoRoot, readRepoFile } from './repo.js';

interface Instruction {
  readonly op: string;
  readonly args: string;
}

// Backslash continuations joined, comments dropped, one entry per line.
function instructions(): Instruction[] {
  return readRepoFile('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [op = '', ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

function finalStage(): Instruction[] {
  const all = instructions();
  const lastFrom = all.map((i) => i.op).lastIndexOf('FROM');
  return all.slice(lastFrom);
}

t.test('every stage builds on the glibc Node 20 image', async (t) => {
  const all = instructions();
  const arg = all.find(
    (i) => i.op === 'ARG' && i.args.startsWith('NODE_IMAGE='),
  );
  t.equal(arg?.args, 'NODE_IMAGE=node:20-bookworm-slim');
  const froms = all.filter((i) => i.op === 'FROM').map((i) => i.args);
  t.ok(froms.length >= 3, 'multi-stage');
  for (const f of froms) {
    t.match(f, /^(\$\{NODE_IMAGE\}|base)(\s|$)/, `FROM ${f}`);
  }
});

t.test('production dependencies come from npm ci --omit=dev', async (t) => {
  const runs = instructions()
    .filter((i) => i.op === 'RUN')
    .map((i) => i.args);
  t.ok(
    runs.some((r) => r.includes('npm ci --omit=dev')),
    'deps stage',
  );
  t.ok(
    runs.some((r) => r.includes('npm run build')),
    'build stage compiles',
  );
  const copies = finalStage().filter((i) => i.op === 'COPY');
  const nodeModules = copies.find((c) => c.args.includes('node_modules'));
  t.match(nodeModules?.args ?? '', /^--from=deps /, 'runtime takes deps');
});

t.test('the runtime stage runs as a numeric non-root user', async (t) => {
  const users = finalStage().filter((i) => i.op === 'USER');
  const last = users.at(-1)?.args ?? '';
  t.match(last, /^\d+(:\d+)?$/, 'numeric, so runAsNonRoot can verify it');
  t.not(last.split(':')[0], '0', 'not root');
});

t.test(
  'the image listens on 4000 on all interfaces and checks liveness',
  async (t) => {
    const stage = finalStage();
    t.ok(stage.some((i) => i.op === 'EXPOSE' && i.args === '4000'));
    const env = stage
      .filter((i) => i.op === 'ENV')
      .map((i) => i.args)
      .join(' ');
    t.match(
      env,
      /\bHOST=0\.0\.0\.0\b/,
      'the gateway binds loopback unless told',
    );
    t.match(env, /\bPORT=4000\b/);

    const health = stage.find((i) => i.op === 'HEALTHCHECK')?.args ?? '';
    t.match(health, /CMD \["node", "-e", /, 'node, not curl (slim image)');
    t.match(health, /\/health\/liveliness/);
  },
);

t.test('CMD runs dist/src/main.js with the image config', async (t) => {
  const cmd = finalStage().find((i) => i.op === 'CMD')?.args ?? '[]';
  const argv: unknown = JSON.parse(cmd);
  t.same(argv, [
    'node',
    'dist/src/main.js',
    '--config',
    '/app/config/gateway.yaml',
  ]);
  t.ok(existsSync(join(kRepoRoot, 'src', 'main.ts')), 'the entry point source');
  t.ok(
    existsSync(join(kRepoRoot, 'config', 'gateway.yaml')),
    'config/gateway.yaml',
  );
});

// .dockerignore patterns as used here: names and `*` within a segment.
function ignoredBy(patterns: string[], path: string): boolean {
  return patterns.some((p) => {
    const re = p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
    return new RegExp(`^${re}(/|$)`).test(path);
  });
}

t.test('.dockerignore keeps everything the build copies', async (t) => {
  const patterns = readRepoFile('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const needed = ['package.json', 'package-lock.json', '.npmrc', 'src/main.ts'];
  needed.push(
    'tsconfig.json',
    'tsconfig.build.json',
    'workers',
    'models',
    'config',
  );
  for (const path of needed) {
    t.notOk(ignoredBy(patterns, path), `${path} reaches the build context`);
  }
  for (const path of [
    'node_modules',
    'dist',
    '.git',
    'tests/deploy',
    'a.log',
  ]) {
    t.ok(ignoredBy(patterns, path), `${path} stays out`);
  }
});
