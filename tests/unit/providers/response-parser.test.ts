import t from 'tap';
import fc from 'fast-check';
import { ResponseParser } from '../../../src/providers/http1/response-parser.js';
import type { ResponseHeaders } from '../../../src/providers/http1/response-parser.js';

interface Parsed {
  status: number | null;
  headers: ResponseHeaders | null;
  body: string;
  ended: boolean;
}

function parserFor(): { parser: ResponseParser; got: Parsed } {
  const got: Parsed = { status: null, headers: null, body: '', ended: false };
  const parser = new ResponseParser({
    onHead: (status, headers) => {
      got.status = status;
      got.headers = headers;
    },
    onBody: (chunk) => {
      got.body += chunk.toString('latin1');
    },
    onEnd: () => {
      got.ended = true;
    },
  });
  return { parser, got };
}

/** Feed `wire` cut at `cuts` (offsets), as a socket might deliver it. */
function feed(wire: string, cuts: number[]): Parsed {
  const { parser, got } = parserFor();
  const bytes = Buffer.from(wire, 'latin1');
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort(
    (a, b) => a - b,
  );
  let from = 0;
  for (const cut of [...at, bytes.length]) {
    if (cut > from) parser.execute(bytes.subarray(from, cut));
    from = Math.max(from, cut);
  }
  return got;
}

/** How one chunk's size line is written (all are valid HTTP/1.1). */
interface SizeStyle {
  readonly upper: boolean;
  readonly zeros: number;
  readonly ext: boolean;
  readonly bareLf: boolean;
}

const kPlain: SizeStyle = { upper: false, zeros: 0, ext: false, bareLf: false };

const kSizeStyle = fc.record({
  upper: fc.boolean(),
  zeros: fc.nat(3),
  ext: fc.boolean(),
  bareLf: fc.boolean(),
});

function sizeLine(n: number, s: SizeStyle): string {
  const hex = n.toString(16);
  return (
    '0'.repeat(s.zeros) +
    (s.upper ? hex.toUpperCase() : hex) +
    (s.ext ? ';name=value' : '') +
    (s.bareLf ? '\n' : '\r\n')
  );
}

function chunked(parts: string[], styles: SizeStyle[] = []): string {
  const body = parts
    .filter((p) => p.length > 0)
    .map((p, i) => `${sizeLine(p.length, styles[i] ?? kPlain)}${p}\r\n`)
    .join('');
  return `${body}0\r\n\r\n`;
}

t.test('a chunked body reads the same however it is split or sized', (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.string({ maxLength: 40 }), { maxLength: 8 }),
      fc.array(fc.nat(), { maxLength: 12 }),
      fc.array(kSizeStyle, { maxLength: 8 }),
      (parts, cuts, styles) => {
        const wire =
          'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n' +
          'Content-Type: text/event-stream\r\n\r\n' +
          chunked(parts, styles);
        const got = feed(wire, cuts);
        return (
          got.status === 200 &&
          got.headers?.['content-type'] === 'text/event-stream' &&
          got.body === parts.join('') &&
          got.ended
        );
      },
    ),
  );
  t.end();
});

t.test('a content-length body ends at its length, split anywhere', (t) => {
  fc.assert(
    fc.property(
      fc.string({ maxLength: 200 }),
      fc.array(fc.nat(), { maxLength: 12 }),
      (body, cuts) => {
        const bytes = Buffer.from(body, 'latin1').length;
        const wire = `HTTP/1.1 201 Created\r\nContent-Length: ${bytes}\r\n\r\n${body}`;
        const got = feed(wire, cuts);
        return got.status === 201 && got.body === body && got.ended;
      },
    ),
  );
  t.end();
});

t.test('interim 1xx answers are skipped for the final one', async (t) => {
  const got = feed(
    'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
    [5, 30],
  );
  t.equal(got.status, 200);
  t.equal(got.body, 'ok');
  t.ok(got.ended);
});

t.test('repeated headers are joined and names lower-cased', async (t) => {
  const got = feed(
    'HTTP/1.1 200 OK\r\nX-A: 1\r\nx-a: 2\r\nRetry-After:  3 \r\nContent-Length: 0\r\n\r\n',
    [],
  );
  t.same(got.headers, {
    'x-a': '1, 2',
    'retry-after': '3',
    'content-length': '0',
  });
  t.ok(got.ended, 'a zero-length body ends with its head');
});

t.test(
  'connection reuse follows the version and Connection header',
  async (t) => {
    const cases: Array<[string, boolean]> = [
      ['HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', true],
      [
        'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
        false,
      ],
      ['HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n', false],
      [
        'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n',
        true,
      ],
      ['HTTP/1.1 200 OK\r\n\r\nuntil close', false],
    ];
    for (const [wire, keep] of cases) {
      const { parser } = parserFor();
      parser.execute(Buffer.from(wire));
      t.equal(parser.keepAlive, keep, JSON.stringify(wire.split('\r\n')[0]));
    }
  },
);

t.test('a body without framing ends when the connection does', async (t) => {
  const { parser, got } = parserFor();
  parser.execute(Buffer.from('HTTP/1.1 200 OK\r\n\r\nhello '));
  parser.execute(Buffer.from('world'));
  t.notOk(got.ended);
  parser.finish();
  t.equal(got.body, 'hello world');
  t.ok(got.ended);
});

t.test('a connection cut mid-body is an error, not an end', async (t) => {
  const { parser, got } = parserFor();
  parser.execute(
    Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'),
  );
  t.throws(() => parser.finish(), { code: 'UPSTREAM_CLOSED' });
  t.notOk(got.ended);
});

t.test(
  'malformed answers are refused with UPSTREAM_BAD_RESPONSE',
  async (t) => {
    const bad = [
      'HTTP/2 200 OK\r\n\r\n',
      'ICY 200 OK\r\n\r\n',
      'HTTP/1.1 200 OK\r\nno colon here\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY',
      `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70 * 1024)}`,
    ];
    for (const wire of bad) {
      const { parser } = parserFor();
      t.throws(
        () => parser.execute(Buffer.from(wire)),
        { code: 'UPSTREAM_BAD_RESPONSE' },
        JSON.stringify(wire.slice(0, 40)),
      );
    }
  },
);

t.test('bytes after a complete answer make the socket unusable', async (t) => {
  const { parser, got } = parserFor();
  parser.execute(
    Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200'),
  );
  t.ok(got.ended);
  t.equal(got.body, 'ok');
  t.notOk(parser.keepAlive);
});
