/**
 * Builds the uWS app: every route, the catch-all 404/405, and listening
 * and closing. This folder is the only code that touches uWS.
 */
import { timingSafeEqual } from 'node:crypto';
import { bearerToken, digest } from '../auth/master-key.js';
import {
  InvalidApiKeyError,
  MethodNotAllowedError,
  MissingApiKeyError,
  RouteNotFoundError,
} from '../errors.js';
import type { RequestContext } from '../request-context.js';
import { frame } from './handler.js';
import type { RouteBody } from './handler.js';
import { sendBody, sendError } from './respond.js';
import { health, listModels, liveliness, readiness } from './routes/info.js';
import { proxyRoute } from './routes/proxy.js';
import type { Services } from './services.js';
import { loadUws } from './uws.js';
import type { HttpResponse, TemplatedApp } from './uws.js';

type Uws = ReturnType<typeof loadUws>;
type ListenSocket = Parameters<Uws['us_listen_socket_close']>[0];

/** An extra route: method, path, body, and whether it is admitted. */
export interface ExtraRoute {
  readonly method: 'get' | 'post';
  readonly path: string;
  readonly body: RouteBody;
}

const kProxyRoutes = [
  ['/v1/chat/completions', 'chat'],
  ['/chat/completions', 'chat'],
  ['/v1/completions', 'completions'],
  ['/completions', 'completions'],
  ['/v1/embeddings', 'embeddings'],
  ['/embeddings', 'embeddings'],
] as const;

const kGetRoutes = [
  '/v1/models',
  '/models',
  '/health/liveliness',
  '/health/liveness',
  '/health/readiness',
  '/health',
] as const;

function checkMetricsToken(authorization: string, want: Buffer): void {
  const token = bearerToken(authorization);
  if (token === '') throw new MissingApiKeyError();
  if (!timingSafeEqual(digest(token), want)) throw new InvalidApiKeyError();
}

/**
 * `/metrics`. With `routeiq_settings.metrics.token` set, scrapes need
 * that bearer token (SHA-256 digests compared in constant time, as for
 * the master key), on the main listener and the metrics port alike.
 */
function metricsRoute(svc: Services): RouteBody {
  const token = svc.config.routeiq.metrics.token;
  const want = token === null || token === '' ? null : digest(token);
  return async (_svc, res, ctx) => {
    if (want !== null) checkMetricsToken(ctx.headers.authorization, want);
    const text = svc.metricsText === null ? '' : await svc.metricsText();
    sendBody(res, ctx, 200, 'text/plain; version=0.0.4; charset=utf-8', text);
  };
}

/** 404 for unknown paths; 405 naming `allow` for a known path. */
function notFound(allow: 'GET' | 'POST' | null) {
  return (_svc: Services, res: HttpResponse, ctx: RequestContext) => {
    if (allow === null) return sendError(res, ctx, new RouteNotFoundError());
    // RFC 9110 §15.5.6: a 405 must list the methods the path supports.
    const err = new MethodNotAllowedError();
    sendError(res, ctx, err, false, [['allow', allow]]);
  };
}

/** A listening gateway front end. */
export interface HttpServer {
  readonly port: number;
  /** Stop accepting connections (open ones finish). */
  stopListening(): void;
  /** Close every open connection, kept-alive ones included. */
  closeConnections(): void;
}

/** Register every route on a new uWS app. */
export function buildApp(
  svc: Services,
  extra: readonly ExtraRoute[],
): TemplatedApp {
  const uws = loadUws();
  const app = uws.App();
  const open = { admit: false } as const;
  const admitted = { admit: true } as const;
  for (const [path, op] of kProxyRoutes) {
    app.post(path, frame(svc, path, proxyRoute(op), admitted));
  }
  app.get('/v1/models', frame(svc, '/v1/models', listModels, open));
  app.get('/models', frame(svc, '/models', listModels, open));
  app.get(
    '/health/liveliness',
    frame(svc, '/health/liveliness', liveliness, open),
  );
  app.get('/health/liveness', frame(svc, '/health/liveness', liveliness, open));
  app.get(
    '/health/readiness',
    frame(svc, '/health/readiness', readiness, open),
  );
  app.get('/health', frame(svc, '/health', health, open));
  if (svc.config.routeiq.metrics.port === null) {
    app.get('/metrics', frame(svc, '/metrics', metricsRoute(svc), open));
  }
  for (const r of extra)
    app[r.method](r.path, frame(svc, r.path, r.body, open));
  // Known paths with the wrong method answer 405, anything else 404.
  for (const [path] of kProxyRoutes) {
    app.any(path, frame(svc, path, notFound('POST'), open));
  }
  for (const path of kGetRoutes) {
    app.any(path, frame(svc, path, notFound('GET'), open));
  }
  app.any('/*', frame(svc, 'other', notFound(null), open));
  return app;
}

/** uSockets' LIBUS_LISTEN_EXCLUSIVE_PORT (`ListenOptions` in the typings). */
const kExclusivePort = 1;

// The binding takes (host, port, options, cb); the typings omit that form.
type ListenWithOptions = (
  host: string,
  port: number,
  options: number,
  cb: (socket: unknown) => void,
) => TemplatedApp;

/** Listen on host:port (0 picks a free port). */
export function listen(
  app: TemplatedApp,
  host: string,
  port: number,
): Promise<HttpServer> {
  const uws = loadUws();
  // uWS sets SO_REUSEPORT by default: a second gateway on a busy port
  // would start and silently take part of its connections. Exclusive,
  // it fails to listen as any other server would.
  const listenOn = app.listen.bind(app) as unknown as ListenWithOptions;
  return new Promise((resolve, reject) => {
    listenOn(host, port, kExclusivePort, (socket) => {
      if (socket === false) {
        reject(new Error(`cannot listen on ${host}:${port}`));
        return;
      }
      const s = socket as ListenSocket;
      resolve({
        port: uws.us_socket_local_port(s as never),
        stopListening: () => uws.us_listen_socket_close(s),
        // Declared in uWS's C++ API but missing from these typings.
        closeConnections: () => (app as unknown as { close(): void }).close(),
      });
    });
  });
}

/** A separate loopback-only app serving `/metrics` alone. */
export function buildMetricsApp(svc: Services): TemplatedApp {
  const app = loadUws().App();
  const body = metricsRoute(svc);
  app.get('/metrics', frame(svc, '/metrics', body, { admit: false }));
  app.any('/*', frame(svc, 'other', notFound(null), { admit: false }));
  return app;
}
