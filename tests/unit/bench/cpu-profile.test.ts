import t from 'tap';
import { areaOf, summarizeProfile } from '../../../bench/cpu-profile.js';

const frame = (functionName: string, url = '', lineNumber = 0) => ({
  functionName,
  url,
  lineNumber,
  columnNumber: 0,
});

// 1,000 ms of samples: 100 hits, so 10 ms each.
const kProfile = {
  startTime: 0,
  endTime: 1_000_000,
  nodes: [
    {
      id: 1,
      callFrame: frame('(root)'),
      hitCount: 0,
      children: [2, 3, 4, 5, 6],
    },
    { id: 2, callFrame: frame('(idle)'), hitCount: 50 },
    {
      id: 3,
      callFrame: frame('sendBody', 'file:///w/dist/src/http/respond.js', 14),
      hitCount: 30,
    },
    {
      id: 4,
      callFrame: frame(
        'request',
        'file:///w/node_modules/undici/lib/api/api-request.js',
        189,
      ),
      hitCount: 10,
    },
    { id: 5, callFrame: frame('emit', 'node:events', 469), hitCount: 5 },
    { id: 6, callFrame: frame('(garbage collector)'), hitCount: 5 },
  ],
};

t.test(
  'self time is split by function, idle excluded from shares',
  async (t) => {
    const s = summarizeProfile(kProfile);
    t.equal(s.idleMs, 500);
    t.equal(s.busyMs, 500);
    const top = s.functions[0];
    t.equal(top?.name, 'sendBody src/http/respond.js:15');
    t.equal(top?.selfMs, 300);
    t.equal(top?.share, 0.6);
  },
);

t.test('areas group our folders, packages, Node and the runtime', async (t) => {
  const names = summarizeProfile(kProfile).areas.map((a) => a.name);
  t.same(names, [
    'src/http',
    'undici',
    'node internals',
    '(garbage collector)',
  ]);
  t.equal(
    areaOf(frame('x', 'file:///w/node_modules/@grpc/grpc-js/build/a.js')),
    '@grpc/grpc-js',
  );
});

t.test('anything but a V8 profile is refused', async (t) => {
  t.throws(() => summarizeProfile({ nodes: 'no' }), /not a V8 CPU profile/);
});
