import type { Dirent } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isLicenceFile } from './licence.js';
import { FACT_FILE_LIMIT, type DirPolicy, type RepoFacts, type RepoItem, type RepoSource } from './repo-source.js';

/** Byte order, so the walk (and the document order) is the same on every machine and locale. */
const byName = (a: Dirent, b: Dirent): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

async function readSmall(path: string): Promise<string | undefined> {
  try {
    const bytes = await readFile(path);
    return bytes.length > FACT_FILE_LIMIT ? undefined : bytes.toString('utf8');
  } catch {
    return undefined;
  }
}

/** Files under a skipped folder, counted without reading them. */
export async function countFiles(dir: string): Promise<number> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).length;
  } catch {
    return 0;
  }
}

/** A repository that is a directory on local disk. */
export function dirSource(root: string, policy: DirPolicy, name = basename(root)): RepoSource {
  return {
    name,
    async facts(): Promise<RepoFacts> {
      const top = await readdir(root, { withFileTypes: true });
      const facts: RepoFacts = { licenceTexts: [] };
      for (const e of top.sort(byName)) {
        if (!e.isFile()) continue;
        if (isLicenceFile(e.name)) {
          const text = await readSmall(join(root, e.name));
          if (text !== undefined) facts.licenceTexts.push(text);
        } else if (e.name === 'package.json') {
          const text = await readSmall(join(root, e.name));
          if (text !== undefined) facts.packageJson = text;
        } else if (e.name === 'Cargo.toml') {
          const text = await readSmall(join(root, e.name));
          if (text !== undefined) facts.cargoToml = text;
        }
      }
      return facts;
    },
    async *items(): AsyncIterable<RepoItem> {
      // depth-first; in each folder its files (byte order) come before its subfolders
      const stack: string[] = [''];
      while (stack.length > 0) {
        const rel = stack.pop()!;
        const entries = (await readdir(join(root, rel), { withFileTypes: true })).sort(byName);
        const subdirs: string[] = [];
        for (const e of entries) {
          const path = rel === '' ? e.name : `${rel}/${e.name}`;
          if (e.isSymbolicLink()) {
            yield { kind: 'special', path, reason: 'symlink' };
          } else if (e.isDirectory()) {
            const reason = policy.reasonFor(e.name);
            if (reason === undefined) subdirs.push(path);
            else yield { kind: 'skipped_dir', path, reason, files: await countFiles(join(root, path)) };
          } else if (e.isFile()) {
            const abs = join(root, path);
            const { size } = await stat(abs);
            yield { kind: 'file', path, size, read: () => readFile(abs) };
          } else {
            yield { kind: 'special', path, reason: 'special_file' };
          }
        }
        for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
      }
    },
  };
}
