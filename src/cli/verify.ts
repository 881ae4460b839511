import { usageError, type ParsedArgs } from './args.js';
import { OutputLayout } from '../runner/layout.js';
import { describeProblems, verifyOutput } from '../runner/verify.js';
import type { CliIO } from './command.js';
import { spec } from './specs/verify.js';

/** `sluice verify` (options and help in specs/verify.ts). */
export async function run(args: ParsedArgs, io: CliIO): Promise<number> {
  const [dir, ...extra] = args.positionals;
  if (!dir || extra.length > 0) throw usageError(spec);
  const layout = new OutputLayout(dir);
  const quick = Boolean(args.values['quick']);
  const report = await verifyOutput(layout, { checksums: !quick });
  const what = `${report.tasks} finished task(s), ${report.files} file(s)${quick ? ', sizes only' : ', sizes and SHA-256'}`;
  if (report.problems.length === 0) {
    io.out(`${dir}: ok (${what})`);
    return 0;
  }
  io.out(`${dir}: ${report.problems.length} problem(s) (${what}):\n${describeProblems(report.problems, 50)}`);
  io.out(report.complete ? 'rerun the same `sluice run` command: damaged tasks run again' : 'the run has not finished: rerun the same `sluice run` command to resume');
  return 1;
}
