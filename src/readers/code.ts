import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from '../vendor/zod.js';
import type { Meta } from '../core/doc.js';
import { errorMessage } from '../core/errors.js';
import { sizeSchema } from '../core/size.js';
import { decodeStream } from '../io/decompress.js';
import { localFile, type InputFile } from '../io/input.js';
import { readAll, readHead } from '../io/read-bytes.js';
import { isZip } from '../io/zip.js';
import { defineReader, type ReaderContext } from './reader.js';
import { rethrowUnlessDamage } from './strict.js';
import { tarSource, zipSource } from './code/archive-source.js';
import { countFiles, dirSource } from './code/dir-source.js';
import { judgeContent, judgeName, type JudgeOptions } from './code/judge.js';
import { DEFAULT_SKIP_DIRS } from './code/languages.js';
import { isLicenceFile, repoLicence } from './code/licence.js';
import type { DirPolicy, RepoSource } from './code/repo-source.js';

const params = z
  .object({
    /**
     * `auto`: a directory with a `.git` or a licence file at its top is one repository; otherwise,
     * if any subdirectory has one, every subdirectory and archive in it is a repository.
     * `true` / `false` force either reading.
     */
    repos_root: z.union([z.literal('auto'), z.boolean()]).default('auto'),
    max_file_bytes: sizeSchema.prefault('1MiB'),
    /** Files whose average line is longer than this are `minified` (bundles, generated data). */
    minified_avg_line_length: z.number().int().positive().default(500),
    /** Skip files whose first lines carry a generator's marker (`@generated`, `DO NOT EDIT`). */
    skip_generated: z.boolean().default(true),
    /** Skip files whose language is not in the table (otherwise they are read as `unknown`). */
    skip_unknown_languages: z.boolean().default(false),
    /** Folder names skipped besides the defaults (reason `skipped_dir`). */
    extra_skip_dirs: z.array(z.string().min(1)).default([]),
    /** Default skipped folder names to read after all (e.g. `vendor` for a Go corpus). */
    keep_dirs: z.array(z.string().min(1)).default([]),
  })
  .strict();

type CodeParams = z.output<typeof params>;

const ARCHIVE_NAME = /\.(?:tar\.gz|tgz|tar\.zst|tar\.bz2|tbz2|tar|zip)$/i;

function dirPolicy(p: CodeParams): DirPolicy {
  const extra = new Set(p.extra_skip_dirs);
  const keep = new Set(p.keep_dirs);
  return {
    reasonFor(name) {
      if (keep.has(name)) return undefined;
      if (extra.has(name)) return 'skipped_dir';
      if (name.endsWith('.egg-info')) return 'build_dir';
      return DEFAULT_SKIP_DIRS.get(name);
    },
  };
}

/** Whether a directory looks like one repository: `.git` or a licence file at its top. */
async function isRepoDir(dir: string): Promise<boolean> {
  try {
    const names = await readdir(dir);
    return names.some((n) => n === '.git' || isLicenceFile(n));
  } catch {
    return false;
  }
}

/** An input's parts: repositories, a lone source file, or what sits at the top of a folder of repositories outside any. */
type Unit = { kind: 'repo'; source: RepoSource } | { kind: 'file'; file: InputFile } | { kind: 'outside'; path: string; reason: string; files: number };

/** What kind of input a file is: an archive (by magic bytes, after decompression) or one source file. */
async function archiveKind(file: InputFile): Promise<'zip' | 'tar' | undefined> {
  const raw = await readHead(file.open(), 4);
  if (isZip(raw)) return 'zip';
  const { bytes } = await decodeStream(file.open(), file.uri);
  const head = await readHead(bytes, 262);
  return head.toString('latin1', 257, 262) === 'ustar' ? 'tar' : undefined;
}

function archiveRepoName(uri: string): string {
  return basename(uri).replace(ARCHIVE_NAME, '') || basename(uri);
}

async function archiveSource(file: InputFile, policy: DirPolicy): Promise<RepoSource | undefined> {
  const kind = await archiveKind(file);
  if (kind === 'zip') return zipSource(file, archiveRepoName(file.uri), policy);
  if (kind === 'tar') return tarSource(file, archiveRepoName(file.uri), policy);
  return undefined;
}

/** The repositories (or lone files) an input holds. */
async function* unitsOf(file: InputFile, p: CodeParams, policy: DirPolicy, ctx: ReaderContext): AsyncIterable<Unit> {
  if (!file.isDirectory || file.localPath === undefined) {
    const source = await archiveSource(file, policy);
    yield source === undefined ? { kind: 'file', file } : { kind: 'repo', source };
    return;
  }
  const dir = file.localPath;
  const root = p.repos_root === 'auto' ? !(await isRepoDir(dir)) && (await hasRepoChild(dir)) : p.repos_root;
  if (!root) {
    yield { kind: 'repo', source: dirSource(dir, policy) };
    return;
  }
  ctx.stats.count('repos_roots');
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      const reason = policy.reasonFor(e.name);
      if (reason === undefined) yield { kind: 'repo', source: dirSource(path, policy) };
      else yield { kind: 'outside', path: `${e.name}/`, reason, files: await countFiles(path) };
      continue;
    }
    const source = e.isFile() && ARCHIVE_NAME.test(e.name) ? await archiveSource(localFile(path), policy) : undefined;
    yield source === undefined ? { kind: 'outside', path: e.name, reason: 'outside_repo', files: 1 } : { kind: 'repo', source };
  }
}

async function hasRepoChild(dir: string): Promise<boolean> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries) if (e.isDirectory() && (await isRepoDir(join(dir, e.name)))) return true;
  return false;
}

/**
 * Source trees: a directory (one repository), a folder of repositories, or a .tar(.gz)/.zip
 * of one. One document per source file; vendored and build folders, binaries, lock files,
 * minified, generated and oversized files are skipped with a reason each.
 */
export const codeReader = defineReader({
  name: 'code',
  summary: 'source trees (directory, folder of repositories, .tar.gz or .zip): one document per source file, with language and licence',
  defaultSource: 'code',
  acceptsDirectories: true,
  params,
  async *read(file, p, ctx) {
    const policy = dirPolicy(p);
    const judge: JudgeOptions = { maxFileBytes: p.max_file_bytes, minifiedAvgLineLength: p.minified_avg_line_length, skipGenerated: p.skip_generated, skipUnknownLanguages: p.skip_unknown_languages };
    for await (const unit of unitsOf(file, p, policy, ctx)) {
      if (unit.kind === 'outside') {
        ctx.skip({ id: `${basename(file.uri)}/${unit.path}`, reason: unit.reason, detail: { files: unit.files, hint: 'in a folder of repositories, only its subfolders and archives are read' } });
        continue;
      }
      if (unit.kind === 'file') {
        yield* readLoneFile(unit.file, judge, ctx);
        continue;
      }
      yield* readRepo(unit.source, judge, ctx);
    }
  },
});

async function* readRepo(source: RepoSource, judge: JudgeOptions, ctx: ReaderContext): AsyncIterable<{ id: string; text: string; source: string; meta: Meta }> {
  const repo = source.name;
  let licence: string;
  try {
    const facts = await source.facts();
    licence = repoLicence(facts.licenceTexts, facts);
  } catch (err) {
    rethrowUnlessDamage(err);
    ctx.invalid({ id: `${repo}/`, reason: 'bad_archive', record: repo, error: errorMessage(err) });
    return;
  }
  ctx.stats.count('repos');
  for await (const item of source.items()) {
    if (item.kind === 'damaged') {
      ctx.invalid({ id: `${repo}/:damaged`, reason: 'truncated', record: repo, error: `archive is damaged: ${item.error}; files before the damage were read` });
      continue;
    }
    const id = `${repo}/${item.path}`;
    if (item.kind === 'skipped_dir') {
      ctx.stats.count('skipped_dir_files', item.files);
      ctx.skip({ id: `${id}/`, reason: item.reason, meta: { repo, path: item.path }, detail: { files: item.files } });
      continue;
    }
    if (item.kind === 'special') {
      ctx.skip({ id, reason: item.reason, meta: { repo, path: item.path } });
      continue;
    }
    const byName = judgeName(item.path, item.size, judge);
    if (byName !== undefined && !byName.keep) {
      ctx.skip(skipRecord(id, repo, item.path, item.size, byName));
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = await item.read();
    } catch (err) {
      rethrowUnlessDamage(err);
      ctx.invalid({ id, reason: 'unreadable', record: item.path, error: errorMessage(err) });
      continue;
    }
    const verdict = judgeContent(item.path, bytes, judge);
    if (!verdict.keep) {
      ctx.skip(skipRecord(id, repo, item.path, bytes.length, verdict));
      continue;
    }
    yield { id, text: verdict.text, source: ctx.source, meta: { repo, path: item.path, programming_language: verdict.language, size: bytes.length, licence } };
  }
}

function skipRecord(id: string, repo: string, path: string, size: number, v: { reason: string; language?: string; detail?: Meta }): Parameters<ReaderContext['skip']>[0] {
  const meta: Meta = { repo, path, size };
  if (v.language !== undefined) meta['programming_language'] = v.language;
  return v.detail === undefined ? { id, reason: v.reason, meta } : { id, reason: v.reason, meta, detail: v.detail };
}

/** A single source file given as an input: its folder's name stands for the repository. */
async function* readLoneFile(file: InputFile, judge: JudgeOptions, ctx: ReaderContext): AsyncIterable<{ id: string; text: string; source: string; meta: Meta }> {
  const path = basename(file.uri);
  const repo = basename(join(file.uri, '..')) || '.';
  const source: RepoSource = {
    name: repo,
    facts: async () => ({ licenceTexts: [] }),
    async *items() {
      const size = (await file.size()) ?? 0;
      yield {
        kind: 'file',
        path,
        size,
        read: () => readAll(file.open()),
      };
    },
  };
  yield* readRepo(source, judge, ctx);
}
