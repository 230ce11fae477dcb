import { readdirSync, readFileSync } from 'node:fs';

/** Samples the resident memory of a process and all its descendants. */
export interface MemorySampler {
  /** Takes one sample now (cheap: a few small /proc reads per process). */
  sample(): void;
  /** Stops sampling; returns the peak in KiB, or undefined when nothing could be measured. */
  stop(): number | undefined;
}

function readStatusKiB(pid: number): { rss: number; hwm: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'latin1');
  } catch {
    return undefined; // exited between listing and reading
  }
  const rss = /^VmRSS:\s+(\d+)/m.exec(text);
  const hwm = /^VmHWM:\s+(\d+)/m.exec(text);
  if (!rss) return undefined; // a zombie has no memory lines
  return { rss: Number(rss[1]), hwm: hwm ? Number(hwm[1]) : Number(rss[1]) };
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tasks) {
    try {
      for (const c of readFileSync(`/proc/${pid}/task/${t}/children`, 'latin1').split(' ')) if (c !== '' && c !== '\n') out.push(Number(c));
    } catch {
      // thread gone, or a kernel without CONFIG_PROC_CHILDREN: the root process alone is still measured
    }
  }
  return out;
}

/**
 * Peak memory of a process tree on Linux, from `/proc`: the largest of (a) the sum of the tree's
 * `VmRSS` over all samples and (b) any single process's own high-water mark `VmHWM`, which the kernel
 * keeps exactly, so a short spike of one process between samples is not missed. Node's
 * `child_process` exposes no child rusage, and `/usr/bin/time` is not everywhere; this needs neither.
 * On other platforms (no `/proc`) it returns undefined.
 * @example
 * const s = startMemorySampler(child.pid, 20); child.on('exit', () => console.log(s.stop()));
 */
export function startMemorySampler(rootPid: number, intervalMs = 20, platform: NodeJS.Platform = process.platform): MemorySampler {
  if (platform !== 'linux') return { sample() {}, stop: () => undefined };
  let peak: number | undefined;
  const sample = () => {
    let treeRss = 0;
    let any = false;
    const stack = [rootPid];
    const seen = new Set<number>();
    while (stack.length > 0) {
      const pid = stack.pop()!;
      if (seen.has(pid)) continue;
      seen.add(pid);
      const st = readStatusKiB(pid);
      if (st) {
        any = true;
        treeRss += st.rss;
        peak = Math.max(peak ?? 0, st.hwm);
      }
      stack.push(...childrenOf(pid));
    }
    if (any) peak = Math.max(peak ?? 0, treeRss);
  };
  // No sample at once: right after spawn the child is still being exec'd, and /proc shows it with 12–20 KiB of
  // resident memory. A command that ended before the first interval was then recorded with that as its peak
  // (memory_usage 0.02 MiB for `true`); now it gets no memory record, which `autodev run` says.
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    sample,
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}
