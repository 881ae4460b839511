import { usageError, type ParsedArgs } from './args.js';
import { prepareRunDryRun } from '../runner/dry-run.js';
import type { CliIO } from './command.js';
import { spec } from './specs/validate.js';
import { table } from './table.js';

/** `sluice validate` (options and help in specs/validate.ts). */
export async function run(args: ParsedArgs, io: CliIO): Promise<number> {
  const file = args.positionals[0];
  if (!file) throw usageError(spec);
  const plan = await prepareRunDryRun(file, io.log);
  io.out(`${file}: valid pipeline "${plan.name}"`);
  io.out('');
  io.out(
    table(
      ['input', 'reader', 'source', 'files'],
      plan.inputs.map((i, n) => [`inputs[${n}]`, i.reader, i.source, i.units]),
      ['l', 'l', 'l', 'r'],
    ),
  );
  io.out('');
  io.out(`stages: ${plan.stages.length === 0 ? '(none)' : plan.stages.join(' -> ')}`);
  io.out(`phases: ${plan.phases.map((p) => `${p.id} (${p.tasks} task${p.tasks === 1 ? '' : 's'})`).join(', ')}`);
  io.out(`output: ${plan.output}`);
  return 0;
}
