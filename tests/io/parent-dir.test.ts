/** Files created where their directory may be missing: created on demand, other errors untouched. */
import { openSync, closeSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inParentDir, inParentDirSync } from '../../src/io/parent-dir.js';
import { writeFileAtomic } from '../../src/io/atomic.js';
import { tempDir } from '../helpers/corpus.js';

describe('creating a file in a directory that may be missing', () => {
  it('creates the missing directories, and again after they were removed', async () => {
    const dir = tempDir();
    const file = join(dir, 'a', 'b', 'c.txt');
    await inParentDir(file, () => writeFile(file, 'one'));
    expect(readFileSync(file, 'utf8')).toBe('one');
    rmSync(join(dir, 'a'), { recursive: true });
    const fd = inParentDirSync(file, () => openSync(file, 'w'));
    closeSync(fd);
    expect(existsSync(file)).toBe(true);
    // the runner's atomic writes go through it too
    rmSync(join(dir, 'a'), { recursive: true });
    await writeFileAtomic(join(dir, 'a', 'marker.json'), '{}\n');
    expect(readFileSync(join(dir, 'a', 'marker.json'), 'utf8')).toBe('{}\n');
  });

  it('calls the creation once where the directory exists, and passes other errors through', async () => {
    const dir = tempDir();
    let calls = 0;
    await inParentDir(join(dir, 'x.txt'), () => {
      calls++;
      return writeFile(join(dir, 'x.txt'), 'x');
    });
    expect(calls).toBe(1);
    // a file where a directory should be: ENOTDIR, not a directory to create
    writeFileSync(join(dir, 'plain'), '');
    const under = join(dir, 'plain', 'y.txt');
    await expect(inParentDir(under, () => writeFile(under, 'y'))).rejects.toMatchObject({ code: 'ENOTDIR' });
    expect(() => inParentDirSync(under, () => openSync(under, 'w'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
  });
});
