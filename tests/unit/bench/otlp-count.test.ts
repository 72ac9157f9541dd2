import t from 'tap';
import { countSpans } from '../../../bench/otlp-count.js';

// Minimal protobuf writer for the test: varints and length-delimited fields.
function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
const ld = (field: number, bytes: number[]) => [
  ...varint((field << 3) | 2),
  ...varint(bytes.length),
  ...bytes,
];
const fixed64 = (field: number) => [
  ...varint((field << 3) | 1),
  ...new Array(8).fill(7),
];
const vint = (field: number, v: number) => [
  ...varint(field << 3),
  ...varint(v),
];

// Span: trace_id (1), name (5), kind (6, varint), start time (7, fixed64).
const span = (name: string) => [
  ...ld(1, new Array(16).fill(1)),
  ...ld(5, [...Buffer.from(name)]),
  ...vint(6, 2),
  ...fixed64(7),
];
// ScopeSpans: scope (1), spans (2)...; ResourceSpans: resource (1), scope_spans (2).
const scope = (n: number) => [
  ...ld(1, ld(1, [...Buffer.from('bench')])),
  ...Array.from({ length: n }, (_, i) => ld(2, span(`s${i}`))).flat(),
];
const resource = (...scopes: number[]) => [
  ...ld(1, []),
  ...scopes.map((n) => ld(2, scope(n))).flat(),
];

t.test('spans are counted across resources and scopes', async (t) => {
  const req = Uint8Array.from([
    ...ld(1, resource(3, 1)),
    ...ld(1, resource(2)),
  ]);
  t.equal(countSpans(req), 6);
  t.equal(countSpans(new Uint8Array(0)), 0, 'an empty export has no spans');
});

t.test('a truncated export is refused, not miscounted', async (t) => {
  const req = Uint8Array.from(ld(1, resource(4)));
  t.throws(() => countSpans(req.subarray(0, req.length - 5)));
});
