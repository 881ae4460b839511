import type { Logger } from '../core/log.js';
import { loadPipeline } from '../config/load.js';
import { readers } from '../registry.js';
import { OutputLayout } from './layout.js';
import { planRun, resolveUnits } from './plan.js';

export interface DryRunPlan {
  name: string;
  inputs: { reader: string; source: string; units: number }[];
  stages: string[];
  phases: { id: string; tasks: number }[];
  output: string;
}

/** Everything `run` checks before it starts, without writing anything. */
export async function prepareRunDryRun(file: string, log: Logger): Promise<DryRunPlan> {
  const loaded = await loadPipeline(file);
  const { units, phases } = await planRun(loaded, new OutputLayout(loaded.config.output.dir), await resolveUnits(loaded), undefined, log);
  return {
    name: loaded.config.name,
    inputs: loaded.config.inputs.map((input, i) => ({
      reader: input.reader,
      source: input.source ?? readers[input.reader]!.defaultSource,
      units: units.filter((u) => u.input === i).length,
    })),
    stages: loaded.config.stages.map((s) => s.id),
    phases: phases.map((p) => ({ id: p.id, tasks: p.tasks })),
    output: loaded.config.output.dir,
  };
}
