/**
 * The error registry (STYLE.md #5), table-driven over every exported
 * class: well-formed unique codes, an HTTP answer, and a row in
 * docs/errors.md that says the same as the class.
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import * as registry from '../../src/errors.js';
import { GatewayError, hasCode, kErrorSpecs } from '../../src/errors.js';
import { errorBody } from '../../src/http/respond.js';

type ErrorClass = new () => GatewayError;

const kClasses: Array<[string, ErrorClass]> = Object.entries(registry)
  .filter(
    ([, v]) => typeof v === 'function' && v.prototype instanceof GatewayError,
  )
  .map(([name, v]) => [name, v as ErrorClass]);

/** docs/errors.md rows: code -> [status, type, openai code]. */
function documentedRows(): Map<string, [number, string, string]> {
  const text = readFileSync('docs/errors.md', 'utf8');
  const row = /^\| `(GW_ERR_[A-Z_]+)` +\| (\d+) +\| (\S+) +\| (\S+) +\|/gm;
  const out = new Map<string, [number, string, string]>();
  for (const m of text.matchAll(row)) {
    out.set(m[1] ?? '', [Number(m[2]), m[3] ?? '', m[4] ?? '']);
  }
  return out;
}

t.test('every registered code has exactly one exported class', async (t) => {
  const codes = kClasses.map(([, C]) => new C().code);
  t.equal(new Set(codes).size, codes.length, 'codes are unique');
  t.same(new Set(codes), new Set(kErrorSpecs.keys()));
  t.ok(kClasses.length >= 25, `found ${kClasses.length} classes`);
});

for (const [name, ErrorClass] of kClasses) {
  t.test(`${name} carries a well-formed code and HTTP answer`, async (t) => {
    const err = new ErrorClass();
    t.ok(err instanceof Error);
    t.match(err.code, /^GW_ERR_[A-Z_]+$/);
    t.ok(Number.isInteger(err.statusCode), 'integer status');
    t.ok(err.statusCode >= 400 && err.statusCode <= 599, 'an error status');
    t.match(err.type, /^[a-z_]+_error$/, 'an OpenAI error type');
    t.match(err.openaiCode, /^[a-z_]+$/, 'an OpenAI error code');
    t.ok(err.message.length > 0, 'a fixed message');
    t.equal(err.param, null);
    const body: unknown = JSON.parse(errorBody(err));
    t.same(body, {
      error: {
        message: err.message,
        type: err.type,
        param: null,
        code: err.openaiCode,
      },
    });
  });
}

t.test('every code is documented with its status, type and code', async (t) => {
  const rows = documentedRows();
  for (const [, ErrorClass] of kClasses) {
    const err = new ErrorClass();
    t.same(
      rows.get(err.code),
      [err.statusCode, err.type, err.openaiCode],
      err.code,
    );
  }
  const unknown = [...rows.keys()].filter((c) => !kErrorSpecs.has(c));
  t.same(unknown, [], 'no documented code is missing from the registry');
});

t.test(
  'options travel with the error and codes match across threads',
  async (t) => {
    const cause = new Error('socket hang up');
    const err = new registry.UpstreamRateLimitedError({
      cause,
      param: 'model',
      retryAfter: 7,
      details: { status: 429 },
    });
    t.equal(err.cause, cause);
    t.equal(err.param, 'model');
    t.equal(err.retryAfter, 7);
    t.same(err.details, { status: 429 });
    // A structured clone loses the prototype but keeps the code.
    const cloned: unknown = structuredClone({ code: err.code });
    t.ok(hasCode(cloned, 'GW_ERR_UPSTREAM_RATE_LIMITED'));
    t.notOk(hasCode(null, 'GW_ERR_UPSTREAM_RATE_LIMITED'));
  },
);

t.test(
  'toGatewayError keeps gateway errors and wraps anything else',
  async (t) => {
    const known = new registry.DrainingError();
    t.equal(registry.toGatewayError(known), known);
    const wrapped = registry.toGatewayError(new TypeError('boom'));
    t.equal(wrapped.code, 'GW_ERR_INTERNAL');
    t.equal(wrapped.statusCode, 500);
    t.notMatch(wrapped.message, /boom/, 'the cause is not in the message');
    t.equal(registry.toGatewayError('a string').code, 'GW_ERR_INTERNAL');
  },
);
