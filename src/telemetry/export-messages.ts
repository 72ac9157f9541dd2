/**
 * Messages between the main thread's span exporter and the export
 * thread (`workers/span-export.ts`). Every request gets exactly one
 * reply with the same id; failures travel as a short reason, never as
 * an Error object (errors crossing a thread are matched by code).
 */

/** How the export thread reaches the collector. */
export interface ExportThreadOptions {
  /** OTLP/gRPC endpoint, e.g. http://127.0.0.1:4317. */
  readonly url: string;
  readonly timeoutMillis: number;
}

/** Main thread to export thread. */
export type ExportCommand =
  | {
      readonly op: 'export';
      /** An OTLP ExportTraceServiceRequest (otlp-encode.ts). */
      readonly bytes: Uint8Array;
      readonly spans: number;
    }
  | { readonly op: 'flush' }
  | { readonly op: 'shutdown' };

/** A command as posted, with the id its reply echoes. */
export type ExportRequest = ExportCommand & { readonly id: number };

/** Export thread to main thread. */
export interface ExportReply {
  readonly id: number;
  readonly ok: boolean;
  /** Why an export failed (the exporter's error message); null if ok. */
  readonly reason: string | null;
}

/** Narrow a reply; anything malformed reads as a failure of id -1. */
export function parseExportReply(msg: unknown): ExportReply {
  const r = msg as Partial<ExportReply> | null;
  if (r === null || typeof r !== 'object' || typeof r.id !== 'number') {
    return { id: -1, ok: false, reason: 'malformed reply' };
  }
  return {
    id: r.id,
    ok: r.ok === true,
    reason: typeof r.reason === 'string' ? r.reason : null,
  };
}
