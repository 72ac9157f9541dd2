/**
 * Finished spans straight to an OTLP ExportTraceServiceRequest, the
 * protobuf the collector's TraceService/Export takes. It writes the
 * same bytes as the SDK's own serializer (ProtobufTraceSerializer;
 * tests/unit/observability/otlp-encode.test.ts holds the two equal) in
 * one pass over the spans, into a buffer it reuses, and reuses each
 * resource's encoding. The batch then crosses to the export thread as
 * one transferred ArrayBuffer: no structured clone of span objects.
 *
 * Field numbers are those of opentelemetry/proto/trace/v1/trace.proto
 * and common/v1/common.proto.
 */
import type {
  AttributeValue,
  Attributes,
  HrTime,
  SpanContext,
} from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ProtoWriter } from './proto-writer.js';

/** Wire types. */
const enum Wire {
  Varint = 0,
  Fixed64 = 1,
  Len = 2,
  Fixed32 = 5,
}

// Span.flags: the low byte is the W3C trace flags; these say whether
// the parent's context was remote, and that this is known.
const kHasIsRemote = 0x100;
const kIsRemote = 0x200;
const kInt64Min = -(2 ** 63);
const kInt64End = 2 ** 63;

function flagsOf(traceFlags: number, remote: boolean | undefined): number {
  return (traceFlags & 0xff) | kHasIsRemote | (remote ? kIsRemote : 0);
}

/** HrTime as unsigned 64-bit nanoseconds, in two exact 32-bit halves. */
function writeTime(w: ProtoWriter, field: number, t: HrTime): void {
  // s * 1e9 + ns overflows 2^53, so the seconds are split at 2^16 and
  // every product and sum below stays an exact integer. Division and
  // floor, not %, which is a slow fmod on doubles.
  const s = t[0];
  const sHigh = Math.floor(s / 0x10000);
  const a = (s - sHigh * 0x10000) * 1e9 + t[1];
  const b = sHigh * 1e9;
  const bHigh = Math.floor(b / 0x10000);
  const sum = (b - bHigh * 0x10000) * 0x10000 + a;
  const carry = Math.floor(sum / 0x100000000);
  w.tag(field, Wire.Fixed64);
  w.fixed64(sum - carry * 0x100000000, bHigh + carry);
}

function writeAnyValue(w: ProtoWriter, v: unknown): void {
  if (typeof v === 'string') {
    w.tag(1, Wire.Len);
    w.string(v);
  } else if (typeof v === 'boolean') {
    w.tag(2, Wire.Varint);
    w.varint(v ? 1 : 0);
  } else if (typeof v === 'number') {
    // Integers in int64 range are int_value; the rest double_value.
    if (Number.isInteger(v) && v >= kInt64Min && v < kInt64End) {
      w.tag(3, Wire.Varint);
      w.varint(v);
    } else {
      w.tag(4, Wire.Fixed64);
      w.double(v);
    }
  } else if (v instanceof Uint8Array) {
    w.tag(7, Wire.Len);
    w.bytes(v);
  } else if (Array.isArray(v)) {
    w.tag(5, Wire.Len);
    const list = w.open();
    for (const item of v) {
      w.tag(1, Wire.Len);
      const m = w.open();
      writeAnyValue(w, item);
      w.close(m);
    }
    w.close(list);
  } else if (typeof v === 'object' && v !== null) {
    w.tag(6, Wire.Len);
    const list = w.open();
    writeAttributes(w, v as Attributes, 1);
    w.close(list);
  }
  // Anything else (undefined, functions) is an empty AnyValue.
}

/** Repeated KeyValue under `field`. */
function writeAttributes(w: ProtoWriter, attrs: Attributes, field: number) {
  for (const key in attrs) {
    if (!Object.prototype.hasOwnProperty.call(attrs, key)) continue;
    w.tag(field, Wire.Len);
    const kv = w.open();
    w.tag(1, Wire.Len);
    w.string(key);
    w.tag(2, Wire.Len);
    const value = w.open();
    writeAnyValue(w, attrs[key] as AttributeValue | undefined);
    w.close(value);
    w.close(kv);
  }
}

function writeStatus(w: ProtoWriter, s: ReadableSpan['status']): void {
  w.tag(15, Wire.Len);
  const m = w.open();
  if (s.message) {
    w.tag(2, Wire.Len);
    w.string(s.message);
  }
  w.tag(3, Wire.Varint);
  w.varint(s.code);
  w.close(m);
}

function writeEvents(w: ProtoWriter, span: ReadableSpan): void {
  for (const e of span.events) {
    w.tag(11, Wire.Len);
    const m = w.open();
    writeTime(w, 1, e.time);
    w.tag(2, Wire.Len);
    w.string(e.name);
    if (e.attributes) writeAttributes(w, e.attributes, 3);
    w.tag(4, Wire.Varint);
    w.varint(e.droppedAttributesCount || 0);
    w.close(m);
  }
}

/** Trace id, span id and trace state: fields 1-3 of Span and Link. */
function writeIds(w: ProtoWriter, c: SpanContext): void {
  w.tag(1, Wire.Len);
  w.hex(c.traceId);
  w.tag(2, Wire.Len);
  w.hex(c.spanId);
  const state = c.traceState?.serialize();
  if (state) {
    w.tag(3, Wire.Len);
    w.string(state);
  }
}

function writeLinks(w: ProtoWriter, span: ReadableSpan): void {
  for (const l of span.links) {
    const c = l.context;
    w.tag(13, Wire.Len);
    const m = w.open();
    writeIds(w, c);
    if (l.attributes) writeAttributes(w, l.attributes, 4);
    w.tag(5, Wire.Varint);
    w.varint(l.droppedAttributesCount || 0);
    w.tag(6, Wire.Fixed32);
    w.fixed32(flagsOf(c.traceFlags, c.isRemote));
    w.close(m);
  }
}

/** One Span message (field 2 of ScopeSpans). */
function writeSpan(w: ProtoWriter, span: ReadableSpan): void {
  const own = span.spanContext();
  const parent = span.parentSpanContext;
  w.tag(2, Wire.Len);
  const m = w.open();
  writeIds(w, own);
  if (parent?.spanId) {
    w.tag(4, Wire.Len);
    w.hex(parent.spanId);
  }
  w.tag(5, Wire.Len);
  w.string(span.name);
  // SpanKind is offset by one: 0 is SPAN_KIND_UNSPECIFIED in OTLP.
  w.tag(6, Wire.Varint);
  w.varint(span.kind + 1);
  writeTime(w, 7, span.startTime);
  writeTime(w, 8, span.endTime);
  writeAttributes(w, span.attributes, 9);
  w.tag(10, Wire.Varint);
  w.varint(span.droppedAttributesCount);
  writeEvents(w, span);
  w.tag(12, Wire.Varint);
  w.varint(span.droppedEventsCount);
  writeLinks(w, span);
  w.tag(14, Wire.Varint);
  w.varint(span.droppedLinksCount);
  writeStatus(w, span.status);
  w.tag(16, Wire.Fixed32);
  w.fixed32(flagsOf(own.traceFlags, parent?.isRemote));
  w.close(m);
}

interface ScopeExtras {
  readonly attributes?: Attributes;
  readonly droppedAttributesCount?: number;
}

function writeScope(w: ProtoWriter, scope: InstrumentationScope): void {
  w.tag(1, Wire.Len);
  const m = w.open();
  w.tag(1, Wire.Len);
  w.string(scope.name);
  if (scope.version) {
    w.tag(2, Wire.Len);
    w.string(scope.version);
  }
  // Scopes of newer APIs may carry attributes; ours carry none.
  const more = scope as ScopeExtras;
  if (more.attributes) writeAttributes(w, more.attributes, 3);
  if (more.droppedAttributesCount) {
    w.tag(4, Wire.Varint);
    w.varint(more.droppedAttributesCount);
  }
  w.close(m);
}

/** Resource message (field 1 of ResourceSpans), tag included. */
function resourceBytes(r: Resource): Uint8Array {
  const w = new ProtoWriter(256);
  w.tag(1, Wire.Len);
  const m = w.open();
  writeAttributes(w, r.attributes, 1);
  w.tag(2, Wire.Varint);
  w.varint(0);
  w.close(m);
  return w.finish();
}

type Groups = Map<Resource, Map<InstrumentationScope, ReadableSpan[]>>;

/** Spans by resource, then scope, by identity, in order of first sight. */
function group(spans: readonly ReadableSpan[]): Groups {
  const out: Groups = new Map();
  for (const s of spans) {
    let scopes = out.get(s.resource);
    if (scopes === undefined) {
      scopes = new Map();
      out.set(s.resource, scopes);
    }
    const list = scopes.get(s.instrumentationScope);
    if (list === undefined) scopes.set(s.instrumentationScope, [s]);
    else list.push(s);
  }
  return out;
}

/** Encodes span batches; one per exporter, its buffer reused. */
export class OtlpTraceEncoder {
  readonly #w = new ProtoWriter();
  readonly #resources = new WeakMap<Resource, Uint8Array>();

  /** The ExportTraceServiceRequest of `spans`, in a buffer of its own. */
  encode(spans: readonly ReadableSpan[]): Uint8Array {
    const w = this.#w;
    w.reset();
    for (const [resource, scopes] of group(spans)) {
      w.tag(1, Wire.Len);
      const rs = w.open();
      w.raw(this.#resourceOf(resource));
      for (const [scope, list] of scopes) {
        w.tag(2, Wire.Len);
        const ss = w.open();
        writeScope(w, scope);
        for (const span of list) writeSpan(w, span);
        if (scope.schemaUrl) {
          w.tag(3, Wire.Len);
          w.string(scope.schemaUrl);
        }
        w.close(ss);
      }
      if (resource.schemaUrl) {
        w.tag(3, Wire.Len);
        w.string(resource.schemaUrl);
      }
      w.close(rs);
    }
    return w.finish();
  }

  #resourceOf(r: Resource): Uint8Array {
    let b = this.#resources.get(r);
    if (b === undefined) {
      b = resourceBytes(r);
      // A resource still awaiting attributes may yet change.
      if (r.asyncAttributesPending !== true) this.#resources.set(r, b);
    }
    return b;
  }
}
