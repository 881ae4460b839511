import { OutputLayout } from '../runner/layout.js';
import { describeProblems, verifyOutput } from '../runner/verify.js';
import type { Command } from './command.js';

export const verifyCommand: Command = {
  spec: {
    name: 'verify',
    usage: 'sluice verify <outdir> [--quick]',
    summary:
      "Check a run's output against what its tasks recorded: every shard, rejects and spill file present with its size and SHA-256, and the manifest matching the shards. Exits 1 on any mismatch.",
    options: { quick: { type: 'boolean' } },
    help: ['--quick               compare sizes only (no hashing)'],
  },
  async run(args, io) {
    const [dir, ...extra] = args.positionals;
    if (!dir || extra.length > 0) {
      io.log.error(`usage: ${this.spec.usage}`);
      return 2;
    }
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
  },
};
