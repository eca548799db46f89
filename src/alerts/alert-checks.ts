import type { Logger } from 'pino';
import type { Redactor } from '../redact.ts';
import type { AlertNotifier } from './notifier.ts';

/** The longest a pending alert waits for its next check while `run` is otherwise idle. */
const MAX_RECHECK_MS = 10_000;

/**
 * `herald run`'s alert checks: one at each scheduler cycle (never two at once), and again soon
 * while an alert waits for its batch window or the interval. A check that fails is logged.
 */
export class AlertChecks {
  #running?: Promise<void>;
  #timer?: NodeJS.Timeout;
  #stopped = false;

  constructor(
    private readonly notifier: AlertNotifier,
    private readonly recheckMs: number,
    private readonly logger: Logger,
    private readonly redact: Redactor,
  ) {}

  /** Checks now, unless a check is under way. */
  poke(): void {
    if (this.#stopped || this.#running) return;
    clearTimeout(this.#timer);
    this.#running = this.notifier
      .check(Date.now())
      .then((result) => {
        if (result === 'waiting' && !this.#stopped) this.#timer = setTimeout(() => this.poke(), Math.min(MAX_RECHECK_MS, Math.max(1000, this.recheckMs)));
      })
      .catch((err: unknown) => this.logger.warn({ err: this.redact(err instanceof Error ? err.message : String(err)) }, 'alert check failed; trying again at the next cycle'))
      .finally(() => (this.#running = undefined));
  }

  /** No more checks; waits for the one under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }
}
