/**
 * Bad input records met by `sluice tokenizer train` and `encode`: counted by reason and skipped,
 * as `sluice run` does, with the first few named by file:line; under --strict the first one stops
 * the command. There are no rejects here, so the summary on stderr is the only record of them.
 */
import type { Logger } from '../core/log.js';
import { SluiceError } from '../core/errors.js';
import type { InvalidRecord } from '../readers/reader.js';

/** How many skipped records the summary names one by one. */
const NAMED = 5;

export class BadRecords {
  private readonly byReason = new Map<string, number>();
  private readonly first: string[] = [];
  count = 0;

  constructor(private readonly strict: boolean) {}

  /** Counts a record the reader could not read; throws SLUICE_BAD_RECORD under --strict. */
  add(file: string, r: InvalidRecord): void {
    // the readers' messages often end with " at <file>:<line>", which the location already says
    const error = r.error.replace(` at ${r.id}`, '');
    if (this.strict) {
      throw new SluiceError('SLUICE_BAD_RECORD', `${file}:${r.record}: ${error}`, {
        file,
        record: r.record,
        hint: 'without --strict, bad records are counted and skipped',
      });
    }
    this.count++;
    this.byReason.set(r.reason, (this.byReason.get(r.reason) ?? 0) + 1);
    if (this.first.length < NAMED) this.first.push(`${file}:${r.record}: ${r.reason}: ${error}`);
  }

  /** One warning: the count, the reasons, the first few records; nothing when there were none. */
  report(log: Logger): void {
    if (this.count === 0) return;
    const reasons = [...this.byReason].map(([reason, n]) => `${reason} ${n.toLocaleString('en-US')}`).join(', ');
    const more = this.count > this.first.length ? [`  ... and ${(this.count - this.first.length).toLocaleString('en-US')} more`] : [];
    log.warn(
      [`skipped ${this.count.toLocaleString('en-US')} bad record${this.count === 1 ? '' : 's'} (${reasons}); --strict stops at the first:`, ...this.first.map((l) => `  ${l}`), ...more].join('\n'),
    );
  }
}
