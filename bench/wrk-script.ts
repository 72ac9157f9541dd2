/**
 * The Lua script that makes wrk send our POST and check every answer the
 * way `quickCheck` does; `done` prints one `WRKJSON {...}` line with the
 * totals and latency percentiles (microseconds) for the runner to read.
 * https://github.com/wg/wrk/blob/master/SCRIPTING
 */
import type { LoadRequest } from './load-request.js';

/** A double-quoted Lua string literal (bytes outside printable ASCII escaped). */
export function luaQuoted(text: string): string {
  let out = '"';
  for (const byte of Buffer.from(text, 'utf8')) {
    const printable = byte >= 0x20 && byte < 0x7f;
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    // Three digits always: a following digit must not extend the escape.
    else
      out += printable
        ? String.fromCharCode(byte)
        : `\\${String(byte).padStart(3, '0')}`;
  }
  return `${out}"`;
}

function headerLines(headers: Readonly<Record<string, string>>): string {
  const all = { 'content-type': 'application/json', ...headers };
  return Object.entries(all)
    .map(([k, v]) => `wrk.headers[${luaQuoted(k)}] = ${luaQuoted(v)}`)
    .join('\n');
}

const kDone = `
function done(summary, latency, requests)
  local seen, bad = 0, 0
  for _, t in ipairs(threads) do
    seen = seen + (t:get("seen") or 0)
    bad = bad + (t:get("bad") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"seen":%d,"bad":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"p50":%.1f,"p90":%.1f,"p99":%.1f,"mean":%.1f,"max":%.1f}\\n',
    summary.requests, summary.duration, seen, bad,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean, latency.max))
end
`;

/** The whole script for `req`. */
export function wrkScript(req: LoadRequest): string {
  const check = req.expect.stream
    ? `local n = select(2, string.gsub(body, '"delta"', ''))
    if n ~= ${req.expect.chunks} or not string.find(body, "data: [DONE]", 1, true) then
      bad = bad + 1
    end`
    : `if string.sub(body, 1, 1) ~= "{" or not string.find(body, '"choices"', 1, true) then
      bad = bad + 1
    end`;
  return `wrk.method = "POST"
wrk.body = ${luaQuoted(req.body)}
${headerLines(req.headers)}
threads = {}
function setup(thread) table.insert(threads, thread) end
seen, bad = 0, 0
function response(status, headers, body)
  seen = seen + 1
  if status ~= 200 then
    bad = bad + 1
  else
    ${check}
  end
end
${kDone}`;
}
