/**
 * A real OTLP/gRPC trace receiver (the collector's side of the protocol)
 * on 127.0.0.1. It decodes every exported span; it can also black-hole
 * (accept and never answer) or be stopped and started on the same port.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';

const kProto = join(
  dirname(fileURLToPath(import.meta.url)),
  'otlp',
  'trace_service.proto',
);

/** One received span, flattened. */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  readonly kind: number;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly resource: Readonly<Record<string, unknown>>;
  readonly links: ReadonlyArray<{ traceId: string; spanId: string }>;
  readonly statusCode: number;
}

/** A running receiver. */
export interface OtlpReceiver {
  readonly endpoint: string;
  readonly spans: ReceivedSpan[];
  /** Accept calls but never answer them. */
  blackhole: boolean;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Resolve once `pred` holds for the spans received, or reject. */
  waitFor(pred: (s: ReceivedSpan[]) => boolean, ms?: number): Promise<void>;
}

interface KV {
  key: string;
  value?: Record<string, unknown>;
}

function anyValue(v: Record<string, unknown> | undefined): unknown {
  if (v === undefined) return undefined;
  const k = v['value'] as string | undefined;
  if (k === undefined) return undefined;
  const raw = v[k];
  if (k === 'intValue') return Number(raw);
  if (k === 'arrayValue') {
    const vals = (raw as { values?: Record<string, unknown>[] }).values ?? [];
    return vals.map(anyValue);
  }
  return raw;
}

function attrs(list: KV[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list ?? []) out[kv.key] = anyValue(kv.value);
  return out;
}

const hex = (b: Buffer | undefined) =>
  b ? Buffer.from(b).toString('hex') : '';

function flatten(req: Record<string, unknown>): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  const rss = (req['resourceSpans'] ?? []) as Array<Record<string, unknown>>;
  for (const rs of rss) {
    const resource = attrs(
      (rs['resource'] as { attributes?: KV[] })?.attributes,
    );
    for (const ss of (rs['scopeSpans'] ?? []) as Array<
      Record<string, unknown>
    >) {
      for (const s of (ss['spans'] ?? []) as Array<Record<string, unknown>>) {
        const links = ((s['links'] ?? []) as Array<Record<string, Buffer>>).map(
          (l) => ({
            traceId: hex(l['traceId']),
            spanId: hex(l['spanId']),
          }),
        );
        out.push({
          traceId: hex(s['traceId'] as Buffer),
          spanId: hex(s['spanId'] as Buffer),
          parentSpanId: hex(s['parentSpanId'] as Buffer),
          name: String(s['name']),
          kind: Number(s['kind'] ?? 0),
          attributes: attrs(s['attributes'] as KV[]),
          resource,
          links,
          statusCode: Number(
            (s['status'] as { code?: number } | undefined)?.code ?? 0,
          ),
        });
      }
    }
  }
  return out;
}

const def = protoLoader.loadSync(kProto, {
  keepCase: false,
  longs: String,
  defaults: false,
  oneofs: true,
});
const pkg = grpc.loadPackageDefinition(def) as unknown as {
  opentelemetry: {
    proto: {
      collector: {
        trace: { v1: { TraceService: { service: grpc.ServiceDefinition } } };
      };
    };
  };
};
const kService =
  pkg.opentelemetry.proto.collector.trace.v1.TraceService.service;

/** Start a receiver on a free port (or `port`); stopped at teardown. */
export async function startOtlpReceiver(
  t: Test,
  port = 0,
): Promise<OtlpReceiver> {
  let server: grpc.Server | null = null;
  let bound = port;
  const rec: OtlpReceiver = {
    endpoint: '',
    spans: [],
    blackhole: false,
    start: async () => {
      const s = new grpc.Server();
      s.addService(kService, {
        Export: (
          call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>,
          cb: grpc.sendUnaryData<unknown>,
        ) => {
          if (rec.blackhole) return;
          rec.spans.push(...flatten(call.request));
          cb(null, {});
        },
      });
      bound = await new Promise<number>((resolve, reject) =>
        s.bindAsync(
          `127.0.0.1:${bound}`,
          grpc.ServerCredentials.createInsecure(),
          (err, p) => (err ? reject(err) : resolve(p)),
        ),
      );
      server = s;
      (rec as { endpoint: string }).endpoint = `http://127.0.0.1:${bound}`;
    },
    stop: async () => {
      const s = server;
      server = null;
      if (s !== null) s.forceShutdown();
    },
    waitFor: async (pred, ms = 10_000) => {
      const until = Date.now() + ms;
      while (!pred(rec.spans)) {
        if (Date.now() > until) throw new Error('spans did not arrive in time');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
  await rec.start();
  t.teardown(() => rec.stop());
  return rec;
}
