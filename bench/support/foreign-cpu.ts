/**
 * How much CPU other work took while a measured run went on: the machine's busy time (from /proc/stat) minus
 * what the run itself used (the bench process, the process under test, MariaDB and RabbitMQ). On a shared machine
 * this says how far a figure may be off; the ratios, measured side by side, suffer less.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { round } from './stats';

const CLOCK_TICKS = 100;

/** Busy jiffies of all CPUs together. */
function machineBusyTicks(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal ...
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
  return user + nice + system + irq + softirq + steal;
}

function processTicks(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** The database and broker servers on this machine, if any (they are part of the workload, not foreign to it). */
function serverPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (comm === 'mariadbd' || comm === 'mysqld' || comm === 'beam.smp') pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Starts counting; the returned function gives the foreign CPU, in cores on average, since the start. */
export function watchForeignCpu(underTest: number | readonly number[]): () => number {
  const pids = [process.pid, ...(typeof underTest === 'number' ? [underTest] : underTest), ...serverPids()];
  const started = Date.now();
  const busy0 = machineBusyTicks();
  const own0 = pids.reduce((sum, pid) => sum + processTicks(pid), 0);
  return () => {
    const seconds = (Date.now() - started) / 1000;
    const busy = machineBusyTicks() - busy0;
    const own = pids.reduce((sum, pid) => sum + processTicks(pid), 0) - own0;
    return round(Math.max(0, busy - own) / CLOCK_TICKS / Math.max(seconds, 0.001), 2);
  };
}
