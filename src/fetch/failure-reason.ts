/**
 * Every way an exchange can fail, as the reason its reject carries: undici's and Node's error
 * codes mapped once, here. `retryable` says whether retry.ts may try again.
 */
import type { JsonValue } from '../core/doc.js';
import { errorMessage } from '../core/errors.js';

export type FailureReason =
  | 'timeout'
  | 'connect_error'
  | 'dns_error'
  | 'tls_error'
  | 'too_large'
  | 'non_html'
  | 'bad_response'
  /** The run was stopped (SIGINT/SIGTERM): never recorded, never a reject. */
  | 'interrupted';

export interface FetchFailure {
  kind: 'failure';
  reason: FailureReason;
  retryable: boolean;
  detail: Record<string, JsonValue>;
}

/** An exchange stopped on purpose (a limit, the run's signal); the reason is decided already. */
export class FetchAbort extends Error {
  constructor(
    readonly reason: FailureReason,
    readonly detail: Record<string, JsonValue>,
  ) {
    super(`fetch stopped: ${reason}`);
  }
}

const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);
const TIMEOUT_CODES: Record<string, string> = { UND_ERR_CONNECT_TIMEOUT: 'connect', UND_ERR_HEADERS_TIMEOUT: 'headers', UND_ERR_BODY_TIMEOUT: 'body', ETIMEDOUT: 'connect' };
const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|HOSTNAME_MISMATCH|ALTNAME/;

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  const cause = (err as { cause?: unknown } | null)?.cause;
  return cause === undefined ? '' : codeOf(cause);
}

/** The reason an exchange failed with `err`; `phase` is how far it got (connect, headers, body). */
export function classifyError(err: unknown, phase: string): FetchFailure {
  if (err instanceof FetchAbort) return { kind: 'failure', reason: err.reason, retryable: false, detail: err.detail };
  const code = codeOf(err);
  const message = errorMessage(err);
  const detail = (extra: Record<string, JsonValue> = {}): Record<string, JsonValue> => ({ error: message, ...(code === '' ? {} : { code }), ...extra });
  const timeoutPhase = TIMEOUT_CODES[code];
  if (timeoutPhase !== undefined) {
    // a connection that never opened is a connection error: retried; a slow answer is not
    return { kind: 'failure', reason: 'timeout', retryable: timeoutPhase === 'connect', detail: detail({ phase: timeoutPhase }) };
  }
  if (TLS_CODE.test(code)) return { kind: 'failure', reason: 'tls_error', retryable: false, detail: detail() };
  if (code === 'ENOTFOUND' || code === 'EAI_NONAME' || code === 'EAI_FAIL') return { kind: 'failure', reason: 'dns_error', retryable: false, detail: detail() };
  if (code === 'EAI_AGAIN') return { kind: 'failure', reason: 'dns_error', retryable: true, detail: detail() };
  if (CONNECT_CODES.has(code)) return { kind: 'failure', reason: 'connect_error', retryable: true, detail: detail({ phase }) };
  if (code.startsWith('HPE_') || code === 'UND_ERR_INFO' || code === 'UND_ERR_NOT_SUPPORTED') return { kind: 'failure', reason: 'bad_response', retryable: false, detail: detail() };
  // anything else that broke the connection (undici wraps many socket errors): a connection error
  return { kind: 'failure', reason: 'connect_error', retryable: true, detail: detail({ phase }) };
}
