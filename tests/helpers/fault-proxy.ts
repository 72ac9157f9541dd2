/**
 * A small TCP fault proxy of our own (node:net) for loopback tests: it
 * sits between two peers and can reset connections after a number of
 * bytes, black-hole them (accept, never forward, never answer), cap the
 * bandwidth and add latency. Faults apply to connections opened after
 * they are set. Also here: a port whose TCP handshake never completes,
 * for connect timeouts, which no accepting server can simulate.
 */
import { connect, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import type { Test } from 'tap';

/** What the proxy does to new connections. */
export interface Faults {
  /** Reset (RST) once this many bytes came back; 0: at the first. */
  resetAfterBytes?: number;
  /** Accept, then never connect onward and never answer. */
  blackhole?: boolean;
  /** Bytes per second, each direction. */
  bytesPerSecond?: number;
  /** Added to every chunk, each direction. */
  latencyMs?: number;
  /** Only the next `times` connections get the faults. */
  times?: number;
}

/** Counters of what went through. */
export interface ProxyStats {
  connections: number;
  resets: number;
  /** Bytes delivered towards the client. */
  bytesDown: number;
  bytesUp: number;
}

/** A running proxy in front of `target`. */
export interface FaultProxy {
  readonly port: number;
  faults: Faults;
  readonly stats: ProxyStats;
  /** Connections open right now. */
  readonly open: number;
}

const kTick = 25;
const kHighWater = 64 * 1024;

/**
 * One direction of a connection: delivers chunks after the latency and
 * within the bandwidth, pausing its source while too much waits.
 */
class Pipe {
  private readonly queue: Array<{ at: number; buf: Buffer }> = [];
  private queued = 0;
  private timer: NodeJS.Timeout | null = null;
  private ended = false;

  constructor(
    private readonly from: Socket,
    private readonly to: Socket,
    private readonly f: Faults,
    private readonly onBytes: (n: number) => void,
  ) {
    from.on('data', (buf: Buffer) => this.push(buf));
    from.on('end', () => {
      this.ended = true;
      this.pump();
    });
  }

  private push(buf: Buffer): void {
    this.queue.push({ at: Date.now() + (this.f.latencyMs ?? 0), buf });
    this.queued += buf.length;
    if (this.queued > kHighWater) this.from.pause();
    this.pump();
  }

  private pump(): void {
    if (this.timer !== null || this.to.destroyed) return;
    const rate = this.f.bytesPerSecond;
    let budget = rate === undefined ? Infinity : (rate * kTick) / 1000;
    const now = Date.now();
    while (this.queue.length > 0 && budget > 0) {
      const head = this.queue[0] as { at: number; buf: Buffer };
      if (head.at > now) break;
      const n = Math.min(head.buf.length, budget);
      this.send(head.buf.subarray(0, n));
      if (this.to.destroyed) return;
      budget -= n;
      if (n === head.buf.length) this.queue.shift();
      else head.buf = head.buf.subarray(n);
    }
    if (this.queued <= kHighWater / 2) this.from.resume();
    if (this.queue.length > 0) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.pump();
      }, kTick);
    } else if (this.ended) this.to.end();
  }

  private send(buf: Buffer): void {
    this.queued -= buf.length;
    this.onBytes(buf.length);
    if (!this.to.destroyed) this.to.write(buf);
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

function destroyBoth(a: Socket, b: Socket | null): void {
  a.destroy();
  b?.destroy();
}

/** Start a proxy to 127.0.0.1:`targetPort`; closed at teardown. */
export async function startFaultProxy(
  t: Test,
  targetPort: number,
  faults: Faults = {},
): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  const stats: ProxyStats = {
    connections: 0,
    resets: 0,
    bytesDown: 0,
    bytesUp: 0,
  };
  const proxy = { port: 0, faults, stats, open: 0 };
  const track = (s: Socket) => {
    sockets.add(s);
    proxy.open = sockets.size;
    s.on('close', () => {
      sockets.delete(s);
      proxy.open = sockets.size;
    });
    s.on('error', () => undefined);
  };

  const server = createServer((client) => {
    stats.connections++;
    track(client);
    const all = proxy.faults;
    const f: Faults =
      all.times === undefined || all.times > 0 ? all : Object.freeze({});
    if (all.times !== undefined) all.times--;
    // A black hole reads and forgets, so the peer's writes never block.
    if (f.blackhole === true) return void client.resume();

    const server = connect(targetPort, '127.0.0.1');
    track(server);
    let down = 0;
    const reset = f.resetAfterBytes;
    const pipes = [
      new Pipe(client, server, f, (n) => (stats.bytesUp += n)),
      new Pipe(server, client, f, (n) => {
        down += n;
        stats.bytesDown += n;
      }),
    ];
    if (reset !== undefined) {
      server.prependListener('data', (buf: Buffer) => {
        if (down + buf.length <= reset || client.destroyed) return;
        // Deliver up to the cut, then tear the connection down with RST.
        client.write(buf.subarray(0, Math.max(0, reset - down)));
        stats.resets++;
        server.pause();
        client.resetAndDestroy();
        server.destroy();
      });
    }
    const end = () => {
      for (const p of pipes) p.stop();
      destroyBoth(client, server);
    };
    client.on('close', end);
    server.on('close', end);
  });

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxy.port = (server.address() as AddressInfo).port;
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return proxy;
}

// The listener runs in a thread that blocks right after listening: the
// kernel completes handshakes until the backlog is full, then drops SYNs.
const kUnacceptingSource = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const srv = net.createServer();
srv.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
  parentPort.postMessage(srv.address().port);
  Atomics.wait(new Int32Array(workerData), 0, 0);
  srv.close();
});
`;

/**
 * A loopback port where a TCP connect never completes (a black hole at
 * the handshake), for connect timeouts. Released at teardown.
 */
export async function startUnacceptingPort(t: Test): Promise<number> {
  const flag = new SharedArrayBuffer(4);
  const worker = new Worker(kUnacceptingSource, {
    eval: true,
    workerData: flag,
  });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  // Fill the accept queue; later handshakes then hang unanswered.
  const fillers = Array.from({ length: 4 }, () => {
    const s = connect(port, '127.0.0.1');
    s.on('error', () => undefined);
    return s;
  });
  t.teardown(async () => {
    for (const s of fillers) s.destroy();
    Atomics.store(new Int32Array(flag), 0, 1);
    Atomics.notify(new Int32Array(flag), 0);
    await worker.terminate();
  });
  return port;
}
