import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SluiceError } from '../../src/core/errors.js';
import { fromSystemError, isSystemError, reportableError, systemErrorMessage } from '../../src/core/system-error.js';
import { outputError } from '../../src/io/output-error.js';
import { tempDir } from '../helpers/corpus.js';

/** What fs raises for a write to a full disk: no path, since the call writes to a descriptor. */
function enospc(): Error {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { errno: -28, code: 'ENOSPC', syscall: 'write' });
}

function thrownBy(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('system errors in words', () => {
  it('a write to a full disk names the file the caller was writing', () => {
    const err = enospc();
    expect(isSystemError(err)).toBe(true);
    if (!isSystemError(err)) return;
    expect(systemErrorMessage(err, '/out/shards/part-00000-00000.parquet')).toBe('cannot write /out/shards/part-00000-00000.parquet: no space left on device');
    const wrapped = outputError('/out/rejects/x.jsonl.zst', err);
    expect(wrapped.code).toBe('SLUICE_OUTPUT');
    expect(wrapped.message).toBe('cannot write /out/rejects/x.jsonl.zst: no space left on device');
    expect(wrapped.file).toBe('/out/rejects/x.jsonl.zst');
    expect(wrapped.hint).toContain('free some space');
  });

  it('uses the path the system call reports: a file where a directory should be', () => {
    const dir = tempDir();
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const err = fromSystemError(
      thrownBy(() => mkdirSync(join(file, 'sub'))),
      'SLUICE_OUTPUT',
    );
    expect(err?.message).toBe(`cannot create directory ${join(file, 'sub')}: not a directory (a part of the path is a file)`);
    expect(err?.file).toBe(join(file, 'sub'));
  });

  it('names both paths of a rename', () => {
    const dir = tempDir();
    const err = fromSystemError(
      thrownBy(() => renameSync(join(dir, 'missing'), join(dir, 'target'))),
      'SLUICE_OUTPUT',
    );
    expect(err?.message).toBe(`cannot rename ${join(dir, 'missing')} to ${join(dir, 'target')}: no such file or directory`);
  });

  it("falls back to Node's words for codes it has none for", () => {
    const err = Object.assign(new Error("ESPIPE: invalid seek, lseek '/dev/x'"), { code: 'ESPIPE', syscall: 'lseek', path: '/dev/x' });
    expect(fromSystemError(err, 'SLUICE_SYSTEM')?.message).toBe('cannot access /dev/x: invalid seek');
  });

  it("leaves programming errors and Node's own ERR_ codes to be reported as internal errors, with their stack", () => {
    expect(reportableError(new TypeError('x is not a function'))).toBeUndefined();
    expect(reportableError(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }))).toBeUndefined();
    const sluice = new SluiceError('SLUICE_USAGE', 'bad flag');
    expect(reportableError(sluice)).toBe(sluice);
    expect(reportableError(enospc())?.code).toBe('SLUICE_SYSTEM');
    expect(reportableError(enospc())?.describe()).not.toMatch(/^\s+at /m);
  });
});
