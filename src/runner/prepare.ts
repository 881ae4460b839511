/**
 * The first step of every run, whatever executes it: load the configuration, resolve the inputs,
 * build the stages and phases, and commit (or check) the plan in the output directory.
 */
import { SluiceError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { LoadedPipeline } from '../config/load.js';
import { OutputLayout } from './layout.js';
import { checkPlan, commitPlan, configHash, fingerprintUnits, numberPieces, planRun, resolveUnits, updateFingerprints, type ChangedInput, type Plan, type RunShape } from './plan.js';
import { readPlan } from './plan-file.js';
import { checkFreshTarget, moveAside, removeDiscarded } from './fresh.js';
import { resetForResume } from './resume.js';
import { resolveOutputDir } from './output-dir.js';

/** Everything a run needs once the configuration is loaded and the inputs resolved. */
export interface PreparedRun extends RunShape {
  loaded: LoadedPipeline;
  layout: OutputLayout;
  plan: Plan;
}

/**
 * `leader`: the one process that owns the output (a local run, a Slurm submitter): it may discard
 * it (--fresh), fingerprints every input, commits or checks the plan and resets what must run again.
 * `task`: one scheduler task (--rank): checks the plan, or creates it if it is the first.
 * `worker`: a local run's worker: the plan must exist and match.
 */
export type RunRole = 'leader' | 'task' | 'worker';

export interface PrepareOptions {
  out?: string;
  world?: number;
  fresh?: boolean;
  allowChangedInputs?: boolean;
  verifyInputs?: boolean;
  log: Logger;
  loaded: LoadedPipeline;
  role: RunRole;
}

/** The output directory a run will write, refusing what sluice cannot write to. */
export function outputDirOf(loaded: LoadedPipeline, out: string | undefined): string {
  return resolveOutputDir(out ?? loaded.config.output.dir);
}

function changedInputsError(changed: ChangedInput[]): SluiceError {
  const lines = changed.slice(0, 20).map((c) => `  ${c.uri}: ${c.changes.join('; ')}`);
  if (changed.length > 20) lines.push(`  ... and ${changed.length - 20} more`);
  return new SluiceError('SLUICE_INPUT_CHANGED', `${changed.length} input(s) changed since this output was planned:\n${lines.join('\n')}`, {
    hint: 'rerun with --allow-changed-inputs to redo the tasks that read them (and every later phase), or with --fresh to start over',
  });
}

export async function prepareRun(opts: PrepareOptions): Promise<PreparedRun> {
  const loaded = opts.loaded;
  loaded.config.output.dir = outputDirOf(loaded, opts.out);
  const layout = new OutputLayout(loaded.config.output.dir);
  // a run that joins or resumes takes the plan's cuts of large files instead of finding them again
  const known = opts.fresh && opts.role === 'leader' ? undefined : await readPlan(layout);
  const units = await resolveUnits(loaded, known);
  if (opts.fresh && opts.role === 'leader') {
    await checkFreshTarget(layout, [loaded.file, ...units.flatMap((u) => (u.file.localPath === undefined ? [] : [u.file.localPath]))]);
    await moveAside(layout);
  }
  // pieces cut anew (not taken from the plan above) count their files' newlines once
  await numberPieces(units);
  const shape = await planRun(loaded, layout, units, opts.world, opts.log, known);
  const draft: Plan = {
    version: 1,
    name: loaded.config.name,
    config_sha256: configHash(loaded),
    world: shape.world,
    units: units.map(({ input, uri, isDirectory, range }) => ({ input, uri, isDirectory, ...(range === undefined ? {} : { range: { ...range } }) })),
    phases: shape.phases.map((p) => ({ id: p.id, tasks: p.tasks })),
    created: new Date().toISOString(),
  };
  let plan = opts.role === 'leader' ? undefined : await checkPlan(layout, draft);
  if (!plan) {
    if (opts.role === 'worker') throw new SluiceError('SLUICE_INTERNAL', `worker found no plan in ${layout.dir}`, { file: layout.plan });
    const fingerprints = await fingerprintUnits(units, opts.verifyInputs ?? false);
    draft.units.forEach((u, i) => {
      const fp = fingerprints[i];
      if (fp !== undefined) u.fingerprint = fp;
    });
    const committed = await commitPlan(layout, draft);
    plan = committed.plan;
    if (committed.changed.length > 0 && !(opts.allowChangedInputs && opts.role === 'leader')) throw changedInputsError(committed.changed);
    if (!committed.created && opts.role === 'leader') {
      for (const c of committed.changed) opts.log.warn(`input changed, its task reruns: ${c.uri} (${c.changes.join('; ')})`);
      await resetForResume(layout, plan.phases, { changedRanks: new Set(committed.changed.map((c) => c.rank)), checksums: true, log: opts.log });
      if (committed.changed.length > 0 || opts.verifyInputs) plan = await updateFingerprints(layout, plan, draft);
    }
  }
  // the leader alone may write the directory outside tasks: the old output (--fresh) or a crash's leftover
  if (opts.role === 'leader') await removeDiscarded(layout);
  plan.units.forEach((u, i) => {
    if (u.fingerprint !== undefined) units[i]!.fingerprint = u.fingerprint;
  });
  return { loaded, layout, ...shape, plan };
}
