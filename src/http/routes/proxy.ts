/**
 * `POST /v1/chat/completions`, `/v1/completions`, `/v1/embeddings` (and
 * the same paths without `/v1`): read, parse, authenticate, forward.
 */
import { ModelNotAllowedError } from '../../errors.js';
import type { Operation } from '../../providers/types.js';
import type { RequestContext } from '../../request-context.js';
import { readBody } from '../body.js';
import { forward } from '../forward.js';
import { parseRequest, promptText } from '../request-schema.js';
import type { Services } from '../services.js';
import type { HttpResponse } from '../uws.js';

/** The route body for one OpenAI operation. */
export function proxyRoute(op: Operation) {
  return async (svc: Services, res: HttpResponse, ctx: RequestContext) => {
    // uWS drops body chunks that arrive with no onData handler, so the
    // read starts before authentication may wait (a key looked up in the
    // database); its failure is reported after auth's, never unhandled.
    const body = readBody(res, ctx, svc.config.routeiq.maxBodyBytes);
    body.catch(() => undefined);
    const caller = await svc.auth.authenticate(ctx.headers.authorization);
    ctx.keyId = caller.keyId;
    const raw = await body;
    const req = parseRequest(raw, op);
    ctx.requestedModel = req.model;
    ctx.stream = req.stream;
    // Prompt text reaches the request log only when asked for.
    if (svc.config.routeiq.logText) ctx.promptText = promptText(req.body);
    if (caller.models !== null && !caller.models.has(req.model)) {
      throw new ModelNotAllowedError({ param: 'model' });
    }
    const denied = svc.auth.authorize?.(caller, req.model) ?? null;
    if (denied !== null) throw denied;
    await forward(svc, res, ctx, op, req);
  };
}
