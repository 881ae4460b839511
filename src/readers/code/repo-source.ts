/**
 * What the code reader sees of one repository, whatever holds it (a directory, a tar or a zip):
 * its root licence texts, then its items in a stable order. Folders the reader skips are one
 * item each, with the number of files under them, so nothing inside them is read.
 */
export type RepoItem =
  | { kind: 'file'; path: string; size: number; read(): Promise<Buffer> }
  /** Not a regular file: `symlink` (links are not followed) or `special_file` (device, fifo, socket). */
  | { kind: 'special'; path: string; reason: 'symlink' | 'special_file' }
  | { kind: 'skipped_dir'; path: string; reason: string; files: number }
  /** The archive is damaged here; items before it were read. */
  | { kind: 'damaged'; error: string };

export interface RepoFacts {
  licenceTexts: string[];
  packageJson?: string;
  cargoToml?: string;
}

export interface RepoSource {
  /** Repository name: the folder or archive name. */
  readonly name: string;
  facts(): Promise<RepoFacts>;
  items(): AsyncIterable<RepoItem>;
}

/** Decides which folders are skipped: name -> reason. */
export interface DirPolicy {
  reasonFor(name: string): string | undefined;
}

/** The first folder on `path` (a/b/c.txt) that the policy skips, as its path and reason. */
export function skippedAncestor(path: string, policy: DirPolicy): { dir: string; reason: string } | undefined {
  const parts = path.split('/');
  for (let i = 0; i < parts.length - 1; i++) {
    const reason = policy.reasonFor(parts[i]!);
    if (reason !== undefined) return { dir: parts.slice(0, i + 1).join('/'), reason };
  }
  return undefined;
}

/** Licence files and manifests are small; anything bigger is not one worth reading. */
export const FACT_FILE_LIMIT = 256 * 1024;
