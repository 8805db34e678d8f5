import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';

/**
 * Cores in use on average during a phase, per process: where the machine's two cores go. Read from
 * /proc (Linux); a figure that cannot be read is null.
 */
export interface CpuCores {
  /** The gateway process, its worker threads (libuv's, for WebCrypto) included. */
  readonly gateway: number | null;
  /** The gateway's main thread alone: JavaScript, Kafka client and policy run here. */
  readonly gatewayMainThread: number | null;
  /** The project's own broker; null when the broker is elsewhere (KAFKA_BROKERS, a container). */
  readonly broker: number | null;
  /** This process: the load generator and the reader of deliveries. */
  readonly loadGenerator: number;
  /** Every process on the machine together. */
  readonly machineBusy: number | null;
  readonly machineCores: number;
}

interface Reading {
  readonly at: number;
  readonly gateway?: number;
  readonly gatewayMainThread?: number;
  readonly broker?: number;
  readonly loadGenerator: number;
  readonly machineBusy?: number;
}

const TICKS_PER_SECOND = clockTicksPerSecond();

/** Starts measuring; the returned function ends the phase and gives its figures. */
export function startCpuMeter(pids: {
  readonly gateway: number;
  readonly broker?: number;
}): () => CpuCores {
  const read = (): Reading => {
    const self = process.cpuUsage();
    return {
      at: performance.now(),
      gateway: processTicks(`/proc/${pids.gateway}/stat`),
      gatewayMainThread: processTicks(`/proc/${pids.gateway}/task/${pids.gateway}/stat`),
      ...(pids.broker ? { broker: processTicks(`/proc/${pids.broker}/stat`) } : {}),
      loadGenerator: ((self.user + self.system) / 1e6) * TICKS_PER_SECOND,
      machineBusy: machineBusyTicks(),
    };
  };
  const start = read();
  return () => {
    const end = read();
    const seconds = (end.at - start.at) / 1000;
    const cores = (key: keyof Omit<Reading, 'at'>) => {
      const [from, to] = [start[key], end[key]];
      return from === undefined || to === undefined
        ? null
        : Number(((to - from) / TICKS_PER_SECOND / seconds).toFixed(2));
    };
    return {
      gateway: cores('gateway'),
      gatewayMainThread: cores('gatewayMainThread'),
      broker: cores('broker'),
      loadGenerator: cores('loadGenerator') ?? 0,
      machineBusy: cores('machineBusy'),
      machineCores: os.cpus().length,
    };
  };
}

/** utime + stime of a process or thread, in clock ticks. */
function processTicks(statFile: string): number | undefined {
  try {
    const stat = readFileSync(statFile, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/** All cores' busy time (everything but idle and I/O wait), in clock ticks. */
function machineBusyTicks(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    // user nice system idle iowait irq softirq steal
    const ticks = line.split(/\s+/).slice(1, 9).map(Number);
    return [0, 1, 2, 5, 6, 7].reduce((sum, field) => sum + (ticks[field] ?? 0), 0);
  } catch {
    return undefined;
  }
}

function clockTicksPerSecond(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}
