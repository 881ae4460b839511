/**
 * Who may send a request now. Every exchange (page, robots.txt, redirect hop, retry) takes a slot
 * here first: at most `perHost` exchanges per host at a time, starts on one host at least
 * `delayMs` apart (and no earlier than a Retry-After the host sent), and at most `global`
 * exchanges in all. Waiters of a host are served in arrival order; hosts that are ready but find
 * every global slot taken queue for one in the order they became ready, so a host with many URLs
 * cannot starve the others. The undici pool below is sized to `perHost` connections per origin,
 * so the per-host limit also bounds the sockets.
 */

export type Release = () => void;

interface HostState {
  active: number;
  waiters: Array<{ grant: (release: Release) => void; fail: (err: Error) => void }>;
  /** Earliest time the next exchange may start (ms since epoch). */
  nextStart: number;
  timer: NodeJS.Timeout | undefined;
  queued: boolean;
}

export class HostGate {
  private readonly hosts = new Map<string, HostState>();
  /** Hosts that could start an exchange but for the global limit, in the order they became ready. */
  private readonly ready: HostState[] = [];
  private active = 0;
  private closed: Error | undefined;

  constructor(
    private readonly perHost: number,
    private readonly delayMs: number,
    private readonly global: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Waits for a slot on `host`; call the returned function exactly once when the exchange is over. */
  acquire(host: string): Promise<Release> {
    if (this.closed) return Promise.reject(this.closed);
    const h = this.state(host);
    return new Promise<Release>((grant, fail) => {
      h.waiters.push({ grant, fail });
      this.pump(h);
    });
  }

  /** No exchange starts on `host` before `untilMs` (a Retry-After). */
  pause(host: string, untilMs: number): void {
    const h = this.state(host);
    if (untilMs > h.nextStart) h.nextStart = untilMs;
  }

  /** Exchanges running now (for tests and stats). */
  get running(): number {
    return this.active;
  }

  /** Fails every waiter and every later acquire with `err` (the run was interrupted). */
  close(err: Error): void {
    this.closed = err;
    for (const h of this.hosts.values()) {
      if (h.timer) clearTimeout(h.timer);
      for (const w of h.waiters.splice(0)) w.fail(err);
    }
  }

  private state(host: string): HostState {
    let h = this.hosts.get(host);
    if (h === undefined) {
      h = { active: 0, waiters: [], nextStart: 0, timer: undefined, queued: false };
      this.hosts.set(host, h);
    }
    return h;
  }

  private pump(h: HostState): void {
    while (h.waiters.length > 0 && h.active < this.perHost && this.closed === undefined) {
      const now = this.now();
      if (now < h.nextStart) {
        if (h.timer === undefined) {
          h.timer = setTimeout(() => {
            h.timer = undefined;
            this.pump(h);
          }, h.nextStart - now);
        }
        return;
      }
      if (this.active >= this.global) {
        if (!h.queued) {
          h.queued = true;
          this.ready.push(h);
        }
        return;
      }
      const w = h.waiters.shift()!;
      h.active++;
      this.active++;
      h.nextStart = now + this.delayMs;
      let released = false;
      w.grant(() => {
        if (released) return;
        released = true;
        h.active--;
        this.active--;
        this.pump(h);
        this.wakeReady();
      });
    }
  }

  private wakeReady(): void {
    while (this.active < this.global && this.ready.length > 0) {
      const h = this.ready.shift()!;
      h.queued = false;
      this.pump(h);
    }
  }
}
