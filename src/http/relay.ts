/**
 * Relays an upstream SSE stream to the client chunk by chunk. Headers go
 * out with the first upstream chunk, so everything before it can still be
 * retried. After that the status is fixed: failures become one error
 * frame and `data: [DONE]` (RELIABILITY.md rows 1, 3, 5).
 */
import type { GatewayError } from '../errors.js';
import {
  StreamStalledError,
  UpstreamBadResponseError,
  UpstreamStreamInterruptedError,
  UpstreamTimeoutError,
} from '../errors.js';
import { mapTransportError } from '../providers/upstream-errors.js';
import type { RequestContext } from '../request-context.js';
import { errorBody } from './respond.js';
import type { HeaderList } from './respond.js';
import type { SseScanner } from './sse-scanner.js';
import { statusLine } from './status-text.js';
import { StreamWriter } from './stream-writer.js';
import type { HttpResponse } from './uws.js';

const kDoneFrame = Buffer.from('data: [DONE]\n\n');
const kEmpty = Buffer.alloc(0);

/** Inputs of one relay. */
export interface RelayInput {
  readonly res: HttpResponse;
  readonly ctx: RequestContext;
  readonly first: Buffer;
  readonly rest: AsyncIterator<Buffer>;
  /** True once `rest` has nothing more to give (see UpstreamResponse). */
  readonly drained: () => boolean;
  readonly scanner: SseScanner;
  readonly headers: HeaderList;
  readonly stallMs: number;
}

function errorFrame(err: GatewayError): Buffer {
  return Buffer.from(`data: ${errorBody(err)}\n\n`);
}

function writeHead(
  input: RelayInput,
  writer: StreamWriter,
  out: Buffer,
): boolean {
  const { res, ctx } = input;
  ctx.status = 200;
  let ok = true;
  res.cork(() => {
    res.writeStatus(statusLine(200));
    res.writeHeader('content-type', 'text/event-stream');
    res.writeHeader('cache-control', 'no-cache');
    res.writeHeader('x-request-id', ctx.id);
    for (const [k, v] of input.headers) res.writeHeader(k, v);
    ok = writer.write(out);
  });
  return ok;
}

/** Relay until the upstream ends, fails or the client leaves. */
export async function relayStream(input: RelayInput): Promise<void> {
  const writer = new StreamWriter(input.res, input.ctx, input.stallMs);
  const prevAbort = input.ctx.onAbort;
  input.ctx.onAbort = () => {
    prevAbort?.();
    writer.abort();
  };
  try {
    await relay(input, writer);
  } finally {
    // Cut short by either side: the log row still gets partial usage.
    input.scanner.estimateCutUsage();
  }
}

async function relay(input: RelayInput, writer: StreamWriter): Promise<void> {
  const { res, ctx, scanner } = input;
  let failure: GatewayError | null = null;
  // Bytes not yet written. Once the upstream has ended they are held
  // back, so the last of them (or the whole answer) leave with the end.
  let out = scanner.push(input.first);
  let headSent = false;
  try {
    while (!input.drained()) {
      const ok = headSent ? writer.write(out) : writeHead(input, writer, out);
      headSent = true;
      out = kEmpty;
      if (!ok) await writer.drained();
      if (ctx.aborted) return;
      // A response's buffered bytes are capped (row 5), upstream's too.
      if (scanner.overflowed) throw new UpstreamBadResponseError();
      const next = await input.rest.next();
      if (next.done === true) break;
      out = scanner.push(next.value);
    }
    const tail = scanner.flush();
    if (tail !== null) out = Buffer.concat([out, tail]);
    // An upstream that closes without [DONE] was cut off mid-stream.
    if (!scanner.facts.sawDone) failure = new UpstreamStreamInterruptedError();
  } catch (err) {
    if (ctx.aborted) return;
    if (err instanceof StreamStalledError) {
      // A client that stopped reading is cut off; others are unaffected.
      ctx.outcome = 'client_aborted';
      ctx.errorCode = err.code;
      ctx.aborted = true;
      res.close();
      return;
    }
    const mapped = mapTransportError(err);
    failure =
      mapped instanceof UpstreamTimeoutError
        ? mapped
        : new UpstreamStreamInterruptedError({ cause: err });
  }
  if (ctx.aborted) return;
  if (failure !== null) {
    ctx.outcome = 'mid_stream_error';
    ctx.errorCode = failure.code;
  } else if (scanner.facts.inBandError) {
    // Passed through as sent, but logged as the failure it is.
    ctx.outcome = 'mid_stream_error';
    ctx.errorCode = 'GW_ERR_UPSTREAM';
  }
  // One write: what is held back, any error frame, and the end.
  res.cork(() => {
    if (headSent) writer.write(out);
    else writeHead(input, writer, out);
    if (failure !== null) {
      writer.write(errorFrame(failure));
      writer.write(kDoneFrame);
    }
    res.end();
  });
}
