// A stand-in inference worker for fallback tests: it answers like the
// real one, except that a prompt can ask it to throw, exit or hang.
import { threadId } from 'node:worker_threads';

export default async function infer(task) {
  const text = task.texts.join(' ');
  if (text.includes('__throw__')) throw new Error('worker failed');
  if (text.includes('__exit__')) process.exit(1);
  if (text.includes('__hang__')) await new Promise(() => {});
  const qualities = new Float32Array(task.texts.length * 2);
  for (let i = 0; i < task.texts.length; i++) qualities[i * 2 + 1] = 1;
  return {
    ok: true,
    errorCode: null,
    qualities,
    candidates: 2,
    timings: { queueMs: 0, loadMs: 0, featurizeMs: 0, inferMs: 0 },
    threadId,
    spans: [],
  };
}
