// A stand-in worker for ThreadCalls tests: it echoes every message with
// its thread id and how many greetings it has seen, answers `slow`
// messages after 50 ms, and exits on one that asks it to.
import { parentPort, threadId } from 'node:worker_threads';

let greetings = 0;

parentPort.on('message', (msg) => {
  if (msg.op === 'hello') greetings++;
  if (msg.op === 'exit') process.exit(1);
  const reply = { id: msg.id, op: msg.op, threadId, greetings };
  if (msg.op === 'slow') setTimeout(() => parentPort.postMessage(reply), 50);
  else parentPort.postMessage(reply);
});
