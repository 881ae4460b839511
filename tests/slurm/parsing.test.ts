/**
 * What sluice reads from Slurm, on output captured from the real 22.05 cluster that
 * tests/slurm/local-cluster.sh starts (array 1 with task 2 exiting 3; array 2 depending on it
 * with --kill-on-invalid-dep=yes).
 */
import { describe, expect, it } from 'vitest';
import { arraySpec, chunkRanks, parseArraySpec } from '../../src/runner/slurm/array-spec.js';
import { classify, parseScontrolRecords, parseSqueue, taskRecords } from '../../src/runner/slurm/status.js';

const SQUEUE_RUNNING = `1_0|COMPLETED|None|sluice:abc
1_1|COMPLETED|None|sluice:abc
2_1|PENDING|Dependency|sluice:abc
2_3|PENDING|Dependency|sluice:abc
1_2|RUNNING|None|sluice:abc
1_3|RUNNING|None|sluice:abc
`;

const SQUEUE_ENDED = `2_1|CANCELLED|DependencyNeverSatisfied|sluice:abc
2_3|CANCELLED|DependencyNeverSatisfied|sluice:abc
1_3|COMPLETED|None|sluice:abc
1_0|COMPLETED|None|sluice:abc
1_1|COMPLETED|None|sluice:abc
1_2|FAILED|NonZeroExitCode|sluice:abc
`;

const SCONTROL = [
  'JobId=5 ArrayJobId=1 ArrayTaskId=2 ArrayTaskThrottle=2 JobName=sluice-t-a UserId=root(0) GroupId=root(0) MCS_label=N/A Priority=4294901759 Nice=0 Account=(null) QOS=(null) JobState=FAILED Reason=NonZeroExitCode Dependency=(null) Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=3:0 RunTime=00:00:01 TimeLimit=UNLIMITED TimeMin=N/A SubmitTime=2026-11-28T14:05:52 Partition=debug AllocNode:Sid=localhost:31694 ReqNodeList=(null) ExcNodeList=(null) NodeList=c1 BatchHost=c1 NumNodes=1 NumCPUs=1 NumTasks=1 CPUs/Task=1 ReqB:S:C:T=0:0:*:* TRES=cpu=1,node=1,billing=1 Socks/Node=* NtasksPerN:B:S:C=0:0:*:* CoreSpec=* MinCPUsNode=1 Command=(null) WorkDir=/tmp/sj Comment=sluice:abc  StdErr=/tmp/sj/a-2.log StdIn=/dev/null StdOut=/tmp/sj/a-2.log Power= ',
  'JobId=3 ArrayJobId=1 ArrayTaskId=0 ArrayTaskThrottle=2 JobName=sluice-t-a JobState=COMPLETED Reason=None Dependency=(null) ExitCode=0:0 NodeList=c2 BatchHost=c2 TRES=cpu=1,node=1,billing=1 Comment=sluice:abc  StdOut=/tmp/sj/a-0.log Power= ',
  'JobId=2 ArrayJobId=2 ArrayTaskId=1,3,5-6 JobName=sluice-t-b JobState=CANCELLED Reason=DependencyNeverSatisfied Dependency=afterok:1_*(failed) ExitCode=0:0 NodeList= TRES=cpu=1,mem=24105M,node=1,billing=1 Comment=sluice:abc  StdOut=/tmp/sj/b-4294967294.log Power= KillOInInvalidDependent=Yes ',
].join('\n');

describe('array index lists', () => {
  it('compresses ranks into ranges and throttles with %N', () => {
    expect(arraySpec([0, 1, 2, 3])).toBe('0-3');
    expect(arraySpec([7, 3, 0, 1, 2, 9, 10, 3])).toBe('0-3,7,9-10');
    expect(arraySpec([5], 2)).toBe('5%2');
    expect(arraySpec([0, 2, 4], 8)).toBe('0,2,4%8');
  });

  it('reads back what Slurm prints, steps and throttles included', () => {
    expect(parseArraySpec('1,3,5-6')).toEqual([1, 3, 5, 6]);
    expect(parseArraySpec('[4-7%2]')).toEqual([4, 5, 6, 7]);
    expect(parseArraySpec('0-12:4')).toEqual([0, 4, 8, 12]);
    const ranks = [0, 1, 2, 3, 7, 9, 10, 42];
    expect(parseArraySpec(arraySpec(ranks, 3))).toEqual(ranks);
  });

  it('splits ranks so every index stays below MaxArraySize', () => {
    expect(chunkRanks([0, 5, 999, 1000, 1001, 2500], 1001)).toEqual([
      { offset: 0, indices: [0, 5, 999, 1000] },
      { offset: 1001, indices: [0] },
      { offset: 2002, indices: [498] },
    ]);
    expect(chunkRanks([3, 1, 2], 100001)).toEqual([{ offset: 0, indices: [1, 2, 3] }]);
  });
});

describe('squeue and scontrol output', () => {
  it('parses one line per array task with state, reason and comment', () => {
    const entries = parseSqueue(SQUEUE_RUNNING);
    expect(entries).toHaveLength(6);
    expect(entries[2]).toEqual({ jobId: '2', index: 1, state: 'PENDING', reason: 'Dependency', comment: 'sluice:abc' });
    expect(entries.map((e) => `${e.jobId}_${e.index}:${classify(e.state, e.reason)}`)).toEqual(['1_0:completed', '1_1:completed', '2_1:pending', '2_3:pending', '1_2:running', '1_3:running']);
  });

  it('tells a failed task from the dependents it took down', () => {
    const views = parseSqueue(SQUEUE_ENDED).map((e) => `${e.jobId}_${e.index}:${classify(e.state, e.reason)}`);
    expect(views).toEqual(['2_1:upstream_failed', '2_3:upstream_failed', '1_3:completed', '1_0:completed', '1_1:completed', '1_2:failed']);
    // without --kill-on-invalid-dep the dependent stays pending forever: also an upstream failure
    expect(classify('PENDING', 'DependencyNeverSatisfied')).toBe('upstream_failed');
    expect(classify('CANCELLED', 'None')).toBe('cancelled');
    expect(classify('TIMEOUT', 'TimeLimit')).toBe('failed');
    expect(classify('OUT_OF_MEMORY', 'OutOfMemory')).toBe('failed');
  });

  it('expands a bracketed pending range and skips lines that are not array tasks', () => {
    expect(parseSqueue('12_[4-6%2]|PENDING|JobArrayTaskLimit|sluice:x\n13|RUNNING|None|\n').map((e) => e.index)).toEqual([4, 5, 6]);
  });

  it('reads scontrol -o records: keys after spaces, values that hold = and spaces kept apart', () => {
    const [r] = parseScontrolRecords(SCONTROL);
    expect(r!['TRES']).toBe('cpu=1,node=1,billing=1');
    expect(r!['AllocNode:Sid']).toBe('localhost:31694');
    expect(r!['CPUs/Task']).toBe('1');
    expect(r!['Comment']).toBe('sluice:abc');
    expect(r!['Power']).toBe('');
  });

  it('gives exit code, signal and node per array task, ranges expanded', () => {
    const tasks = taskRecords(SCONTROL);
    expect(tasks[0]).toEqual({ jobId: '1', index: 2, state: 'FAILED', reason: 'NonZeroExitCode', exitCode: 3, signal: 0, node: 'c1' });
    expect(tasks[1]).toMatchObject({ index: 0, state: 'COMPLETED', exitCode: 0, node: 'c2' });
    expect(tasks.slice(2).map((t) => `${t.index}:${t.state}:${t.reason}:${t.node ?? '-'}`)).toEqual([
      '1:CANCELLED:DependencyNeverSatisfied:-',
      '3:CANCELLED:DependencyNeverSatisfied:-',
      '5:CANCELLED:DependencyNeverSatisfied:-',
      '6:CANCELLED:DependencyNeverSatisfied:-',
    ]);
  });
});
