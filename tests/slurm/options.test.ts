/** The `executor:` section, the command-line flags over it, and the batch script it becomes. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// parsePipeline loads nothing: every built-in is loaded first
import '../../src/registry-loaded.js';
import { parsePipeline } from '../../src/config/load.js';
import { withFlags, type SlurmOptions } from '../../src/runner/slurm/options.js';
import { phaseScript, type PhaseScript } from '../../src/runner/slurm/script.js';
import { configError } from '../helpers/config.js';
import { tempDir } from '../helpers/corpus.js';

const BASE = `
name: p
inputs:
  - reader: jsonl
    paths: ["data/*.jsonl.gz"]
output:
  dir: out/p
`;

describe('executor: in the pipeline', () => {
  it('defaults to the local executor, with Slurm defaults filled in', () => {
    const cfg = parsePipeline(BASE, 'p.yaml');
    expect(cfg.executor.type).toBe('local');
    expect(cfg.executor.slurm).toEqual({ cpus_per_task: 1, sbatch_args: [], setup: [], poll_seconds: 5, marker_grace_seconds: 120 });
  });

  it('accepts every documented option', () => {
    const cfg = parsePipeline(
      `${BASE}executor:
  type: slurm
  slurm:
    partition: cpu
    time: "4:00:00"
    cpus_per_task: 2
    mem: 8G
    max_running: 50
    sbatch_args: ["--account=data", "--qos=long"]
    workdir: /shared/project
    setup: ["module load nodejs/20"]
`,
      'p.yaml',
    );
    expect(cfg.executor).toMatchObject({
      type: 'slurm',
      slurm: {
        partition: 'cpu',
        time: '4:00:00',
        cpus_per_task: 2,
        mem: '8G',
        max_running: 50,
        sbatch_args: ['--account=data', '--qos=long'],
        workdir: '/shared/project',
        setup: ['module load nodejs/20'],
      },
    });
  });

  it('rejects a misspelt key with its YAML path, line and the key it meant', () => {
    const err = configError(`${BASE}executor:\n  type: slurm\n  slurm:\n    partiton: cpu\n`);
    expect(err.code).toBe('SLUICE_CONFIG_INVALID');
    expect(err.message).toContain('executor.slurm.partiton: unknown key "partiton"');
    expect(err.message).toMatch(/p\.yaml:11:\d+/);
    expect(err.message).toContain('did you mean "partition"');
  });

  it('rejects values sbatch would refuse, naming them', () => {
    const err = configError(`${BASE}executor:\n  type: pbs\n  slurm:\n    time: soon\n    mem: 8 gigs\n    max_running: 0\n`);
    expect(err.message).toContain('executor.type');
    expect(err.message).toContain('(got "pbs")');
    expect(err.message).toContain('executor.slurm.time: not a Slurm time limit');
    expect(err.message).toContain('(got "soon")');
    expect(err.message).toContain('executor.slurm.mem: not a Slurm memory size');
    expect(err.message).toContain('executor.slurm.max_running');
  });

  it('flags replace YAML values, and extra sbatch args add to them', () => {
    const yaml = parsePipeline(`${BASE}executor:\n  slurm:\n    partition: cpu\n    sbatch_args: ["--account=data"]\n`, 'p.yaml').executor.slurm;
    const merged = withFlags(yaml, { partition: 'gpu', time: '30', sbatch_args: ['--qos=short'] });
    expect(merged).toMatchObject({ partition: 'gpu', time: '30', sbatch_args: ['--account=data', '--qos=short'] });
    expect(() => withFlags(yaml, { time: 'tomorrow' })).toThrow(/--time: not a Slurm time limit/);
  });
});

describe('the batch script of a phase', () => {
  const dir = tempDir('sluice-slurm-script-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const options: SlurmOptions = {
    cpus_per_task: 2,
    sbatch_args: ['--account=data'],
    setup: ['echo "setup ran"'],
    poll_seconds: 5,
    marker_grace_seconds: 30,
    partition: 'cpu',
    time: '1:00:00',
    mem: '4G',
  };
  const spec = (over: Partial<PhaseScript>): PhaseScript => ({
    pipelineName: 'web',
    pipelineFile: join(dir, 'my pipelines', "it's.yaml"),
    outDir: join(dir, 'out dir'),
    cli: { module: '/opt/sluice/dist/cli/main.js', execArgv: [] },
    // the script's last line execs node; printing the arguments shows what a task would run
    node: '/usr/bin/printf',
    workdir: dir,
    phase: 'exact_dedup.groups',
    tasks: 8,
    world: 4,
    offset: 0,
    logDir: join(dir, 'logs'),
    comment: 'sluice:abc123',
    strict: true,
    options: { ...options },
    ...over,
  });

  function runScript(script: string, index: number): string {
    const file = join(dir, 'phase.sbatch');
    writeFileSync(file, script.replace(/^exec \/usr\/bin\/printf /m, "exec /usr/bin/printf '[%s]' "));
    const r = spawnSync('bash', [file], { env: { ...process.env, SLURM_ARRAY_TASK_ID: String(index), SLURM_ARRAY_JOB_ID: '77', SLURMD_NODENAME: 'c2' }, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout;
  }

  it('holds the options as #SBATCH lines and runs the task for the array index', () => {
    const script = phaseScript(spec({}));
    const directives = script.split('\n').filter((l) => l.startsWith('#SBATCH '));
    expect(directives).toEqual([
      '#SBATCH --job-name=sluice-web-exact_dedup.groups',
      `#SBATCH --output=${dir}/logs/%a.log`,
      '#SBATCH --open-mode=truncate',
      `#SBATCH --chdir=${dir}`,
      '#SBATCH --ntasks=1',
      '#SBATCH --cpus-per-task=2',
      '#SBATCH --partition=cpu',
      '#SBATCH --time=1:00:00',
      '#SBATCH --mem=4G',
      '#SBATCH --kill-on-invalid-dep=yes',
      '#SBATCH --comment=sluice:abc123',
      '#SBATCH --account=data',
    ]);
    const out = runScript(script, 5);
    expect(out).toContain('sluice: exact_dedup.groups task 5 of 8: job 77_5 on c2');
    expect(out).toContain('setup ran');
    // paths with spaces and quotes arrive as single arguments
    expect(out).toContain(`[/opt/sluice/dist/cli/main.js][run][${dir}/my pipelines/it's.yaml][--out][${dir}/out dir][--phase][exact_dedup.groups][--rank][5][--world][4][--strict]`);
  });

  it('past MaxArraySize, adds the chunk offset to the index and logs by rank', () => {
    mkdirSync(join(dir, 'logs'), { recursive: true });
    const script = phaseScript(spec({ offset: 1001, strict: false }));
    expect(script).toContain(`#SBATCH --output=${dir}/logs/slurm-%A_%a.out`);
    runScript(script, 3);
    const r = spawnSync('cat', [join(dir, 'logs', '1004.log')], { encoding: 'utf8' });
    expect(r.stdout).toContain('--rank][1004][--world][4]');
    expect(r.stdout).not.toContain('--strict');
  });
});
