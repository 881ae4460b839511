/**
 * Node reports operating-system failures (a full disk, no permission, a file where a directory
 * should be) as Errors with an errno code, the system call and often the path. Their own message
 * ("ENOSPC: no space left on device, write") names neither the file nor anything a user can act
 * on; these helpers say it in one line: "cannot write /out/x.parquet: no space left on device".
 */
import { SluiceError, type ErrorCode } from './errors.js';

export interface SystemError extends Error {
  code: string;
  syscall: string;
  path?: string;
  /** The second path of a two-path call (rename, link, copyfile). */
  dest?: string;
  /** Where a network call was going. */
  address?: string;
  port?: number;
}

/** The problem in words, for the codes a file-writing tool meets; others fall back to Node's text. */
const PROBLEMS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large for this filesystem',
  ENOTDIR: 'not a directory (a part of the path is a file)',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only filesystem',
  EMFILE: 'too many open files in this process',
  ENFILE: 'too many open files on this system',
  ENOENT: 'no such file or directory',
  EEXIST: 'already exists',
  ENOTEMPTY: 'directory not empty',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many levels of symbolic links',
  EXDEV: 'the two paths are on different filesystems',
  EBUSY: 'resource busy',
  EIO: 'input/output error (the disk or network filesystem failed)',
  EPIPE: 'broken pipe (the reader went away)',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the other side',
  ETIMEDOUT: 'timed out',
  ENOTFOUND: 'host not found',
};

const HINTS: Readonly<Record<string, string>> = {
  ENOSPC: 'free some space or write to a larger disk, then run the same command again',
  EDQUOT: 'free some space or raise the quota, then run the same command again',
  EFBIG: 'lower output.shard_bytes, or write to a filesystem that allows larger files',
  ENOTDIR: 'every part of the path but the last must be a directory',
  EACCES: 'check the permissions of the file and of the directories above it',
  EPERM: 'check the permissions of the file and of the directories above it',
  EROFS: 'write to a filesystem that is mounted read-write',
  EMFILE: 'raise the open-file limit (ulimit -n) or run fewer workers',
  ENFILE: 'raise the open-file limit (ulimit -n) or run fewer workers',
};

/** The verb for each system call, as in "cannot <verb> <path>". */
const VERBS: Readonly<Record<string, string>> = {
  open: 'open',
  read: 'read',
  write: 'write',
  writev: 'write',
  fsync: 'sync',
  fdatasync: 'sync',
  close: 'close',
  ftruncate: 'truncate',
  mkdir: 'create directory',
  mkdtemp: 'create directory',
  rmdir: 'remove',
  rm: 'remove',
  unlink: 'remove',
  rename: 'rename',
  link: 'link',
  symlink: 'link',
  copyfile: 'copy',
  scandir: 'list',
  opendir: 'list',
  stat: 'access',
  lstat: 'access',
  fstat: 'access',
  access: 'access',
  realpath: 'resolve',
  chmod: 'change permissions of',
  utime: 'change times of',
  spawn: 'run',
  connect: 'connect to',
  getaddrinfo: 'look up',
};

/** An Error from a system call: an errno code (ENOSPC, EAI_AGAIN; never Node's own ERR_*) and the call's name. */
export function isSystemError(err: unknown): err is SystemError {
  if (!(err instanceof Error)) return false;
  const { code, syscall } = err as { code?: unknown; syscall?: unknown };
  return typeof code === 'string' && /^E[A-Z0-9_]+$/.test(code) && !code.startsWith('ERR_') && typeof syscall === 'string';
}

/** Node's words for a code it has no entry above for: "ENOSPC: no space left on device, write '/x'" minus code, call and path. */
function nodeProblem(err: SystemError): string {
  let text = err.message.startsWith(`${err.code}: `) ? err.message.slice(err.code.length + 2) : err.message;
  const at = text.lastIndexOf(`, ${err.syscall}`);
  if (at > 0) text = text.slice(0, at);
  return text || err.code;
}

/**
 * "cannot <verb> <path>: <problem>". `path` stands in when the error has none (a write to an open
 * descriptor carries no path, so the caller says which file it was writing).
 */
export function systemErrorMessage(err: SystemError, path?: string): string {
  const verb = VERBS[err.syscall] ?? 'access';
  const address = err.address === undefined ? undefined : err.port === undefined ? err.address : `${err.address}:${err.port}`;
  const where = err.path ?? path ?? address;
  const target = where === undefined ? '' : err.dest === undefined ? ` ${where}` : ` ${where} to ${err.dest}`;
  return `cannot ${verb}${target}: ${PROBLEMS[err.code] ?? nodeProblem(err)}`;
}

export function systemErrorHint(err: SystemError): string | undefined {
  return HINTS[err.code];
}

/** A system error as a SluiceError with a readable message and hint; undefined for any other error. */
export function fromSystemError(err: unknown, code: ErrorCode, path?: string): SluiceError | undefined {
  if (!isSystemError(err)) return undefined;
  const file = err.path ?? path;
  const hint = systemErrorHint(err);
  return new SluiceError(code, systemErrorMessage(err, path), {
    cause: err,
    ...(file === undefined ? {} : { file }),
    ...(hint === undefined ? {} : { hint }),
  });
}

/**
 * What to show for an error that ended a command or a task: sluice's own errors as they are and
 * the operating system's in words; undefined for anything else, a bug that deserves its stack.
 */
export function reportableError(err: unknown): SluiceError | undefined {
  if (err instanceof SluiceError) return err;
  return fromSystemError(err, 'SLUICE_SYSTEM');
}
