/**
 * Counts the spans in an OTLP ExportTraceServiceRequest without decoding
 * them: walk ResourceSpans (field 1) → ScopeSpans (field 2) → Span
 * (field 2) and skip everything else. Enough for a receiver whose only
 * job is to accept exports and prove spans arrived.
 * https://github.com/open-telemetry/opentelemetry-proto/blob/main/opentelemetry/proto/trace/v1/trace.proto
 */

interface Field {
  readonly field: number;
  readonly wire: number;
  /** For length-delimited fields, the payload bounds. */
  readonly start: number;
  readonly end: number;
  /** Offset just past the field. */
  readonly next: number;
}

function varint(buf: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  let i = at;
  for (;;) {
    if (i >= buf.length) throw new Error('truncated varint');
    const b = buf[i++] as number;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return [value, i];
    scale *= 128;
  }
}

function readField(buf: Uint8Array, at: number, limit: number): Field {
  const [key, p] = varint(buf, at);
  const field = Math.floor(key / 8);
  const wire = key & 7;
  let next: number;
  let start = p;
  let end = p;
  if (wire === 0) next = varint(buf, p)[1];
  else if (wire === 1) next = p + 8;
  else if (wire === 5) next = p + 4;
  else if (wire === 2) {
    const [len, q] = varint(buf, p);
    start = q;
    end = q + len;
    next = end;
  } else {
    throw new Error(`unsupported wire type ${wire}`);
  }
  if (next > limit) throw new Error('field runs past its message');
  return { field, wire, start, end, next };
}

/** Each length-delimited `field` inside buf[from, to). */
function* children(buf: Uint8Array, from: number, to: number, field: number) {
  let at = from;
  while (at < to) {
    const f = readField(buf, at, to);
    if (f.field === field && f.wire === 2) yield f;
    at = f.next;
  }
}

/** Spans in one encoded ExportTraceServiceRequest. */
export function countSpans(buf: Uint8Array): number {
  let spans = 0;
  for (const rs of children(buf, 0, buf.length, 1)) {
    for (const ss of children(buf, rs.start, rs.end, 2)) {
      for (const _ of children(buf, ss.start, ss.end, 2)) spans++;
    }
  }
  return spans;
}
