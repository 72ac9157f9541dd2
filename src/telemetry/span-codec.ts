/**
 * Finished spans as one flat array of primitives, so a batch crosses to
 * the export thread by a cheap structured clone instead of being turned
 * into OTLP protobuf on the event loop. Cloning the SDK's span objects
 * as they are costs about 3.7 µs a span (their attribute maps are slow
 * to serialize); this layout about 1.2 µs, encoding included.
 *
 * Layout: for each span, the fields of `Field` in order (the last,
 * `AttrCount`, says how many attributes follow), then that many pairs
 * of (index into `keys`, value). What few spans carry
 * besides (events, links, trace state, a status message, dropped
 * counts) goes to `extras`, referenced by index. Resources and scopes
 * are listed once per batch. Decoding rebuilds ReadableSpans that the
 * OTLP transformer turns into the same protobuf as the originals
 * (tests/unit/observability/span-codec.test.ts).
 */
import type { Attributes, Link, SpanContext } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';

/** A span context as data (trace state serialized). */
export interface EncodedContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
  readonly traceState: string | undefined;
  readonly isRemote: boolean | undefined;
}

/** What a span carries beyond the fixed fields, when it carries any. */
export interface SpanExtras {
  readonly traceState: string | undefined;
  readonly parentTraceState: string | undefined;
  readonly statusMessage: string | undefined;
  readonly events: TimedEvent[];
  readonly links: Array<{
    readonly context: EncodedContext;
    readonly attributes: Attributes | undefined;
    readonly droppedAttributesCount: number | undefined;
  }>;
  readonly dropped: readonly [number, number, number];
}

/** A batch of spans as data. */
export interface EncodedBatch {
  readonly resources: Attributes[];
  readonly scopes: InstrumentationScope[];
  readonly keys: string[];
  readonly extras: SpanExtras[];
  readonly count: number;
  readonly data: unknown[];
}

/** Fixed fields of a span, in order. */
export enum Field {
  Name,
  Kind,
  TraceId,
  SpanId,
  TraceFlags,
  /** '' for a root span. */
  ParentId,
  ParentFlags,
  /** 0 false, 1 true, 2 unknown. */
  ParentRemote,
  StartS,
  StartNs,
  EndS,
  EndNs,
  DurS,
  DurNs,
  StatusCode,
  Resource,
  Scope,
  /** Index into `extras`, or -1. */
  Extra,
  AttrCount,
}

/** Index of `item` in `list`, appended on first sight. */
function indexOf<T>(list: T[], seen: Map<T, number>, item: T): number {
  let i = seen.get(item);
  if (i === undefined) {
    i = list.push(item) - 1;
    seen.set(item, i);
  }
  return i;
}

function encodeContext(c: SpanContext): EncodedContext {
  return {
    traceId: c.traceId,
    spanId: c.spanId,
    traceFlags: c.traceFlags,
    traceState: c.traceState?.serialize(),
    isRemote: c.isRemote,
  };
}

function encodeLink(l: Link) {
  return {
    context: encodeContext(l.context),
    attributes: l.attributes,
    droppedAttributesCount: l.droppedAttributesCount,
  };
}

/** The extras of `s`, or null when it has none (the common case). */
function extrasOf(s: ReadableSpan, own: SpanContext): SpanExtras | null {
  const parentState = s.parentSpanContext?.traceState;
  const plain =
    own.traceState === undefined &&
    parentState === undefined &&
    s.status.message === undefined &&
    s.events.length === 0 &&
    s.links.length === 0 &&
    s.droppedAttributesCount === 0 &&
    s.droppedEventsCount === 0 &&
    s.droppedLinksCount === 0;
  if (plain) return null;
  return {
    traceState: own.traceState?.serialize(),
    parentTraceState: parentState?.serialize(),
    statusMessage: s.status.message,
    events: s.events,
    links: s.links.map(encodeLink),
    dropped: [
      s.droppedAttributesCount,
      s.droppedEventsCount,
      s.droppedLinksCount,
    ],
  };
}

/** Identity maps of one batch's shared objects and attribute keys. */
class Tables {
  readonly resources: Resource[] = [];
  readonly scopes: InstrumentationScope[] = [];
  readonly keys: string[] = [];
  readonly seenResources = new Map<Resource, number>();
  readonly seenScopes = new Map<InstrumentationScope, number>();
  readonly seenKeys = new Map<string, number>();
}

function pushSpan(
  s: ReadableSpan,
  t: Tables,
  extras: SpanExtras[],
  out: unknown[],
): void {
  const own = s.spanContext();
  const parent = s.parentSpanContext;
  const extra = extrasOf(s, own);
  const remote = parent?.isRemote;
  out.push(
    s.name,
    s.kind,
    own.traceId,
    own.spanId,
    own.traceFlags,
    parent?.spanId ?? '',
    parent?.traceFlags ?? 0,
    remote === undefined ? 2 : remote ? 1 : 0,
    s.startTime[0],
    s.startTime[1],
    s.endTime[0],
    s.endTime[1],
    s.duration[0],
    s.duration[1],
    s.status.code,
    indexOf(t.resources, t.seenResources, s.resource),
    indexOf(t.scopes, t.seenScopes, s.instrumentationScope),
    extra === null ? -1 : extras.push(extra) - 1,
    0,
  );
  const countAt = out.length - 1;
  let n = 0;
  const attrs = s.attributes;
  for (const key in attrs) {
    out.push(indexOf(t.keys, t.seenKeys, key), attrs[key]);
    n++;
  }
  out[countAt] = n;
}

/** Encode a batch of finished spans. */
export function encodeBatch(spans: readonly ReadableSpan[]): EncodedBatch {
  const t = new Tables();
  const extras: SpanExtras[] = [];
  const data: unknown[] = [];
  for (const s of spans) pushSpan(s, t, extras, data);
  return {
    resources: t.resources.map((r) => r.attributes),
    scopes: t.scopes.map((c) => ({
      name: c.name,
      version: c.version,
      schemaUrl: c.schemaUrl,
    })),
    keys: t.keys,
    extras,
    count: spans.length,
    data,
  };
}
