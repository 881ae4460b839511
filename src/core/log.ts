/** Minimal leveled logger writing to stderr, so stdout stays free for data (encode, loader serve). */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  child(prefix: string): Logger;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(level: LogLevel = 'info', prefix = '', write: (line: string) => void = (l) => process.stderr.write(l + '\n')): Logger {
  const min = LEVELS[level];
  const emit = (lvl: LogLevel, msg: string): void => {
    if (LEVELS[lvl] < min) return;
    const tag = lvl === 'info' ? '' : `${lvl}: `;
    write(`${prefix ? `[${prefix}] ` : ''}${tag}${msg}`);
  };
  return {
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    error: (m) => emit('error', m),
    child: (p) => createLogger(level, prefix ? `${prefix}/${p}` : p, write),
  };
}

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};

export function logLevelFromEnv(): LogLevel {
  const v = process.env['SLUICE_LOG'];
  return v === 'debug' || v === 'info' || v === 'warn' || v === 'error' ? v : 'info';
}

/** One logger that writes every line to both: a task's lines go to stderr and to its log file. */
export function teeLogger(a: Logger, b: Logger): Logger {
  return {
    debug: (m) => (a.debug(m), b.debug(m)),
    info: (m) => (a.info(m), b.info(m)),
    warn: (m) => (a.warn(m), b.warn(m)),
    error: (m) => (a.error(m), b.error(m)),
    child: (p) => teeLogger(a.child(p), b.child(p)),
  };
}
