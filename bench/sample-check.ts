/**
 * Full checks of a few responses, before and after each measured run:
 * status, content type, every SSE event parsed, the chunk count, `[DONE]`
 * last and the text word for word. Sequential, so they do not disturb
 * the figures, and outside the measured window.
 */
import { request } from 'undici';
import type { LoadRequest } from './load-request.js';
import { fullCheck } from './verify.js';

/** Send `n` requests one by one; the first failure in words, or null. */
export async function sampleCheck(
  req: LoadRequest,
  n: number,
): Promise<string | null> {
  for (let i = 0; i < n; i++) {
    try {
      const res = await request(req.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...req.headers },
        body: req.body,
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
      const body = await res.body.text();
      const type = String(res.headers['content-type'] ?? '');
      const problem = fullCheck(req.expect, res.statusCode, type, body);
      if (problem !== null) return problem;
    } catch (err) {
      return `request failed: ${String(err)}`;
    }
  }
  return null;
}
