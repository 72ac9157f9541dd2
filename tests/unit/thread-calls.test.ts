/**
 * Calls to a worker thread: each caller gets its own reply, a thread
 * that exits fails exactly the calls it held, and the next call starts
 * a fresh thread that is greeted first.
 */
import t from 'tap';
import { fileURLToPath } from 'node:url';
import { ThreadCalls } from '../../src/thread-calls.js';

const kEcho = fileURLToPath(
  new URL('../helpers/echo-thread.mjs', import.meta.url),
);

interface Echo {
  readonly id: number;
  readonly op: string;
  readonly threadId: number;
  readonly greetings: number;
}

function call(calls: ThreadCalls, op: string): Promise<Echo | null> {
  return new Promise((resolve) =>
    calls.post({ op }, (r) => resolve(r as Echo | null)),
  );
}

t.test('each call gets its own reply, in any order', async (t) => {
  const calls = new ThreadCalls({ file: kEcho });
  t.teardown(() => calls.terminate());
  const [slow, fast] = await Promise.all([
    call(calls, 'slow'),
    call(calls, 'fast'),
  ]);
  t.equal(slow?.op, 'slow');
  t.equal(fast?.op, 'fast');
  t.not(slow?.id, fast?.id);
});

t.test(
  'an exit fails what was pending; the next call gets a new thread',
  async (t) => {
    const calls = new ThreadCalls({ file: kEcho, greeting: { op: 'hello' } });
    t.teardown(() => calls.terminate());
    const first = await call(calls, 'fast');
    t.equal(first?.greetings, 1, 'the thread was greeted before the call');

    const pending = call(calls, 'slow');
    const exit = call(calls, 'exit');
    t.equal(await pending, null, 'the slow call is failed by the exit');
    t.equal(await exit, null);
    t.notOk(calls.started);

    const next = await call(calls, 'fast');
    t.not(next?.threadId, first?.threadId, 'a fresh thread');
    t.equal(next?.greetings, 1, 'greeted in its turn');
  },
);

t.test('terminate fails the calls still pending', async (t) => {
  const calls = new ThreadCalls({ file: kEcho });
  const pending = call(calls, 'slow');
  await calls.terminate();
  t.equal(await pending, null);
});
