/**
 * Stack Exchange site archives (`cooking.stackexchange.com.7z`, `stackoverflow.com-Posts.7z`)
 * decoded by Debian's 7-Zip command (`7z`/`7za` from p7zip-full, or `7zz` from 7zip), chosen
 * over an npm package by measurement (src/readers/README.md, `stackexchange`). A 7z archive keeps
 * its index at the end, so the archive must be a local file; its `Posts.xml` is streamed from
 * `7z e -so` without being extracted to disk.
 */
import { execFile } from 'node:child_process';
import { basename } from 'node:path';
import { promisify } from 'node:util';
import { SluiceError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { onPath, throughChild } from '../../io/child-decoder.js';

const run = promisify(execFile);

const COMMANDS = ['7zz', '7z', '7za'];

/** 7z archive magic: `7z\xBC\xAF\x27\x1C`. */
export function is7z(head: Uint8Array): boolean {
  return head.length >= 6 && head[0] === 0x37 && head[1] === 0x7a && head[2] === 0xbc && head[3] === 0xaf && head[4] === 0x27 && head[5] === 0x1c;
}

export function sevenZipCommand(uri: string): string {
  for (const c of COMMANDS) if (onPath(c)) return c;
  throw new SluiceError('SLUICE_CONFIG_INVALID', `${uri} is a 7z archive but no 7-Zip command (${COMMANDS.join(', ')}) is on PATH`, {
    file: uri,
    hint: 'apt-get install p7zip-full (or 7zip), or extract Posts.xml and list that instead',
  });
}

/** Damage of the archive itself (cut short, corrupt): the reader reports it as an invalid record. */
export class ArchiveError extends Error {}

/** Names of the files in the archive, from `7z l -slt`. */
export async function listEntries(command: string, path: string): Promise<string[]> {
  let stdout: string;
  try {
    ({ stdout } = await run(command, ['l', '-slt', '-ba', '--', path], { maxBuffer: 64 << 20 }));
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    const said = `${e.stderr ?? ''}\n${e.stdout ?? ''}`.trim().replace(/\s+/g, ' ');
    throw new ArchiveError(`${command} cannot list the archive: ${said || e.message}`);
  }
  const names: string[] = [];
  for (const line of stdout.split('\n')) if (line.startsWith('Path = ')) names.push(line.slice('Path = '.length).trim());
  return names;
}

/** The entry holding the posts: `Posts.xml` at any depth, case-insensitive. */
export function postsEntry(names: readonly string[]): string | undefined {
  return names.find((n) => basename(n.replace(/\\/g, '/')).toLowerCase() === 'posts.xml');
}

async function* nothing(): AsyncIterable<Uint8Array> {}

/** The bytes of one entry, streamed from `7z e -so`; a failure of 7z surfaces as an ArchiveError. */
export async function* entryBytes(command: string, path: string, entry: string, log: Logger): AsyncIterable<Uint8Array> {
  try {
    // -spd: the entry name is taken literally (no wildcards); nothing is read from stdin
    yield* throughChild(command, ['e', '-so', '-bd', '-spd', '--', path, entry], nothing(), {
      fallback: () => {
        throw new SluiceError('SLUICE_DECOMPRESS', `could not start ${command} to read ${path}`, { file: path });
      },
      log,
    });
  } catch (err) {
    if (err instanceof SluiceError) throw err;
    throw new ArchiveError((err as Error).message);
  }
}
