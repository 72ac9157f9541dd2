import t from 'tap';
import { luaQuoted, wrkScript } from '../../../bench/wrk-script.js';

t.test(
  'Lua strings escape quotes, backslashes and control bytes',
  async (t) => {
    t.equal(luaQuoted('a"b\\c'), '"a\\"b\\\\c"');
    // Three digits always, so a following digit is not swallowed.
    t.equal(luaQuoted('\n5'), '"\\0105"');
    t.equal(luaQuoted('é'), '"\\195\\169"');
  },
);

t.test('the script checks the chunk count it was given', async (t) => {
  const script = wrkScript({
    url: 'http://127.0.0.1:1/v1/chat/completions',
    headers: { 'x-portkey-provider': 'openai' },
    body: '{"model":"m","stream":true}',
    expect: { stream: true, chunks: 24 },
  });
  t.match(script, /n ~= 24/);
  t.match(script, /wrk\.headers\["x-portkey-provider"\] = "openai"/);
  t.match(script, /wrk\.body = "\{\\"model\\":\\"m\\",\\"stream\\":true\}"/);
});
