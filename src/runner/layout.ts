import { join } from 'node:path';
import { pad } from '../core/pad.js';
import { fileSafeName } from '../core/file-safe-name.js';

/** Where everything lives under a run's output directory. One place, so no module guesses paths. */
export class OutputLayout {
  constructor(readonly dir: string) {}

  get shardsDir(): string {
    return join(this.dir, 'shards');
  }
  get rejectsDir(): string {
    return join(this.dir, 'rejects');
  }
  get manifest(): string {
    return join(this.dir, 'manifest.json');
  }
  get stats(): string {
    return join(this.dir, 'stats.json');
  }
  /** What `sluice report` reads besides stats.json (src/report/collect.ts). */
  get reportData(): string {
    return join(this.dir, 'report-data.json');
  }
  /** Where `sluice report` writes by default. */
  get reportHtml(): string {
    return join(this.dir, 'report.html');
  }
  /** Bookkeeping that users need not look at: plan, task markers, spills, stage scratch. */
  get stateDir(): string {
    return join(this.dir, '.sluice');
  }
  get plan(): string {
    return join(this.stateDir, 'plan.json');
  }
  get logsDir(): string {
    return join(this.stateDir, 'logs');
  }
  taskMarker(phase: string, rank: number): string {
    return join(this.stateDir, 'tasks', phase, `${pad(rank)}.json`);
  }
  taskMarkerDir(phase: string): string {
    return join(this.stateDir, 'tasks', phase);
  }
  get spillDir(): string {
    return join(this.stateDir, 'spill');
  }
  get workDir(): string {
    return join(this.stateDir, 'work');
  }
  /** Written when a finished run's spills and stage scratch are removed (scratch.ts). */
  get scratchRemoved(): string {
    return join(this.stateDir, 'scratch-removed.json');
  }
  spill(phase: string, rank: number): string {
    return join(this.stateDir, 'spill', phase, `${pad(rank)}.spill.zst`);
  }
  stageWorkDir(stageId: string): string {
    return join(this.stateDir, 'work', fileSafeName(stageId));
  }
  /** Shard files of a task are `part-<rank>-<seq>.parquet`. */
  shardPrefix(rank: number): string {
    return `part-${pad(rank)}`;
  }
  rejectsFile(stage: string, phase: string, rank: number): string {
    return join(this.rejectsDir, fileSafeName(stage), this.rejectsFileName(phase, rank));
  }
  /** A task's rejects file in each `rejects/<stage>/` it rejected documents in. */
  rejectsFileName(phase: string, rank: number): string {
    return `${phase}-${pad(rank)}.jsonl.zst`;
  }
}
