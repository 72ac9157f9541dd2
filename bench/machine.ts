/**
 * The machine a report was measured on. Load averages at start and end
 * say how busy the machine was with other work: on a shared 2-core box
 * they matter as much as the figures.
 */
import { cpus, loadavg, release, totalmem } from 'node:os';

/** Facts about the machine and runtime. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly kernel: string;
  readonly node: string;
  readonly loadAvgStart: readonly number[];
  loadAvgEnd: readonly number[];
}

/** Describe this machine now. */
export function describeMachine(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model ?? 'unknown',
    cores: list.length,
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    node: process.version,
    loadAvgStart: loadavg().map((x) => Math.round(x * 100) / 100),
    loadAvgEnd: [],
  };
}

/** Record the load averages at the end of the run. */
export function finishMachine(m: MachineInfo): void {
  m.loadAvgEnd = loadavg().map((x) => Math.round(x * 100) / 100);
}
