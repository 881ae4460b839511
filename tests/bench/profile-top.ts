/**
 * Where a run's CPU time goes: self time per function, summed over the .cpuprofile files that
 * `node --cpu-prof` writes for the leader and each worker (`make profile`; how-to in
 * src/runner/README.md). Idle time (a leader waiting for its workers) is left out of the shares.
 *   node --import tsx tests/bench/profile-top.ts DIR/*.cpuprofile   (TOP=N rows, default 30)
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const NOT_WORK = new Set(['(idle)']);

function main(files: string[]): void {
  if (files.length === 0) throw new Error('usage: profile-top.ts FILE.cpuprofile...');
  const totals = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, i) => {
      const us = profile.timeDeltas[i] ?? 0;
      const frame = byId.get(id)!.callFrame;
      if (NOT_WORK.has(frame.functionName)) {
        idle += us;
        return;
      }
      const where = frame.url === '' ? '' : ` ${frame.url.replace(/^.*?\/(dist|src|node_modules)\//, '$1/').replace(/^file:\/\//, '')}:${frame.lineNumber + 1}`;
      const key = `${frame.functionName || '(anonymous)'}${where}`;
      totals.set(key, (totals.get(key) ?? 0) + us);
      busy += us;
    });
  }
  const top = [...totals].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env['TOP'] ?? 30));
  process.stdout.write(`${files.length} profile(s): ${(busy / 1e6).toFixed(2)} s busy, ${(idle / 1e6).toFixed(2)} s idle\n`);
  for (const [key, us] of top) process.stdout.write(`${(us / 1e6).toFixed(2).padStart(7)} s ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${key}\n`);
}

main(process.argv.slice(2));
