import t from 'tap';
import {
  cpuSeconds,
  parseCpuTicks,
  parseVmKb,
} from '../../../bench/proc-stats.js';

t.test('CPU ticks are read after the last parenthesis of comm', async (t) => {
  // comm may itself hold spaces and ') (' (a thread renamed on purpose).
  const line =
    '4242 (node ) (x) R 1 4242 4242 0 -1 4194560 1000 0 0 0 1500 250 0 0 20 0 11 0';
  t.equal(parseCpuTicks(line), 1750);
});

t.test('Vm figures are read in kB, absent ones are null', async (t) => {
  const status = 'Name:\tnode\nVmHWM:\t  123456 kB\nVmRSS:\t   98765 kB\n';
  t.equal(parseVmKb(status, 'VmHWM'), 123456);
  t.equal(parseVmKb(status, 'VmSwap'), null);
});

t.test('CPU seconds from /proc grow as this process works', async (t) => {
  const before = cpuSeconds(process.pid);
  // Spin until the process itself has used 50 ms of CPU (5 ticks at 100 Hz).
  const cpu0 = process.cpuUsage();
  const used = () => {
    const u = process.cpuUsage(cpu0);
    return u.user + u.system;
  };
  while (used() < 50_000) Math.sqrt(Math.random());
  t.ok(cpuSeconds(process.pid) > before);
});
