/**
 * The export thread's side of span-codec.ts: ReadableSpans rebuilt from
 * a flat batch, sharing one Resource object per resource for the life
 * of the thread (the OTLP transformer groups spans by identity).
 */
import type { Attributes, HrTime, SpanContext } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import type { InstrumentationScope } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Field } from './span-codec.js';
import type { EncodedBatch, EncodedContext, SpanExtras } from './span-codec.js';

/** Resources by their attributes, kept for the life of the thread. */
export class ResourceCache {
  private readonly byKey = new Map<string, Resource>();

  get(attributes: Attributes): Resource {
    const key = JSON.stringify(attributes);
    let r = this.byKey.get(key);
    if (r === undefined) {
      r = resourceFromAttributes(attributes);
      this.byKey.set(key, r);
    }
    return r;
  }
}

function state(s: string | undefined): TraceState | undefined {
  return s === undefined ? undefined : new TraceState(s);
}

function context(c: EncodedContext): SpanContext {
  const ctx: SpanContext = {
    traceId: c.traceId,
    spanId: c.spanId,
    traceFlags: c.traceFlags,
  };
  if (c.traceState !== undefined) ctx.traceState = state(c.traceState);
  if (c.isRemote !== undefined) ctx.isRemote = c.isRemote;
  return ctx;
}

function parentOf(
  data: readonly unknown[],
  at: number,
  traceId: string,
  extra: SpanExtras | null,
): SpanContext | undefined {
  const id = data[at + Field.ParentId] as string;
  if (id === '') return undefined;
  const remote = data[at + Field.ParentRemote] as number;
  const ctx: SpanContext = {
    traceId,
    spanId: id,
    traceFlags: data[at + Field.ParentFlags] as number,
  };
  if (remote !== 2) ctx.isRemote = remote === 1;
  const ts = state(extra?.parentTraceState);
  if (ts !== undefined) ctx.traceState = ts;
  return ctx;
}

function time(data: readonly unknown[], at: number): HrTime {
  return [data[at] as number, data[at + 1] as number];
}

const kNoDrops = [0, 0, 0] as const;

/**
 * One decoded span. A class, so every span has one shape: the OTLP
 * serializer reads these fields in a hot loop.
 */
class DecodedSpan implements ReadableSpan {
  readonly name: string;
  readonly kind: number;
  readonly parentSpanContext: SpanContext | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly duration: HrTime;
  readonly status: { code: number; message?: string };
  readonly attributes: Attributes;
  readonly links: ReadableSpan['links'];
  readonly events: ReadableSpan['events'];
  readonly ended = true;
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  readonly droppedAttributesCount: number;
  readonly droppedEventsCount: number;
  readonly droppedLinksCount: number;
  private readonly own: SpanContext;

  constructor(
    batch: EncodedBatch,
    at: number,
    resources: readonly Resource[],
    attributes: Attributes,
  ) {
    const d = batch.data;
    const ei = d[at + Field.Extra] as number;
    const extra = ei < 0 ? null : (batch.extras[ei] as SpanExtras);
    this.own = {
      traceId: d[at + Field.TraceId] as string,
      spanId: d[at + Field.SpanId] as string,
      traceFlags: d[at + Field.TraceFlags] as number,
    };
    const ts = state(extra?.traceState);
    if (ts !== undefined) this.own.traceState = ts;
    this.name = d[at + Field.Name] as string;
    this.kind = d[at + Field.Kind] as number;
    this.parentSpanContext = parentOf(d, at, this.own.traceId, extra);
    this.startTime = time(d, at + Field.StartS);
    this.endTime = time(d, at + Field.EndS);
    this.duration = time(d, at + Field.DurS);
    const code = d[at + Field.StatusCode] as number;
    const message = extra?.statusMessage;
    this.status = message === undefined ? { code } : { code, message };
    this.attributes = attributes;
    this.links = (extra?.links ?? []).map((l) => ({
      context: context(l.context),
      attributes: l.attributes,
      droppedAttributesCount: l.droppedAttributesCount,
    }));
    this.events = extra?.events ?? [];
    this.resource = resources[d[at + Field.Resource] as number] as Resource;
    this.instrumentationScope = batch.scopes[
      d[at + Field.Scope] as number
    ] as InstrumentationScope;
    const dropped = extra?.dropped ?? kNoDrops;
    this.droppedAttributesCount = dropped[0];
    this.droppedEventsCount = dropped[1];
    this.droppedLinksCount = dropped[2];
  }

  spanContext(): SpanContext {
    return this.own;
  }
}

/** Rebuild the ReadableSpans of a batch. */
export function decodeBatch(
  batch: EncodedBatch,
  cache: ResourceCache,
): ReadableSpan[] {
  const resources = batch.resources.map((a) => cache.get(a));
  const { data, keys } = batch;
  const out: ReadableSpan[] = [];
  let at = 0;
  for (let i = 0; i < batch.count; i++) {
    const n = data[at + Field.AttrCount] as number;
    const attrs: Attributes = {};
    let a = at + Field.AttrCount + 1;
    for (let j = 0; j < n; j++, a += 2) {
      attrs[keys[data[a] as number] as string] = data[a + 1] as never;
    }
    out.push(new DecodedSpan(batch, at, resources, attrs));
    at = a;
  }
  return out;
}
