import type { AlertKind, Condition } from './conditions.ts';

/** A row of `alerts`: a condition from when it was raised until its "resolved" notice went out. */
export interface AlertRecord {
  key: string;
  kind: AlertKind;
  subject: string;
  detail?: string;
  raisedAt: number;
  notifiedAt?: number;
  resolvedAt?: number;
  resolveNotifiedAt?: number;
}

export interface AlertBatch {
  claimedAt: number;
  raised: AlertRecord[];
  resolved: AlertRecord[];
}

/** What was alerted, kept in the store so a restart or a second worker does not repeat it. */
export interface AlertStore {
  /** Alerts not resolved, and resolved ones whose notice has not gone out. */
  openAlerts(): Promise<AlertRecord[]>;
  /**
   * Records conditions. One already open keeps its row (its detail refreshed); one resolved
   * whose notice has not gone out is open again, silently; one resolved and notified starts anew.
   */
  raiseAlerts(conditions: Condition[]): Promise<void>;
  /** Clears these keys; one never notified is closed without a notice. */
  resolveAlerts(keys: string[], now: number): Promise<void>;
  /**
   * Claims everything not yet notified (raised or resolved) for one message, unless a message
   * went out less than `minIntervalMs` ago; undefined when there is nothing or it is too soon.
   */
  claimAlertBatch(now: number, minIntervalMs: number): Promise<AlertBatch | undefined>;
  /** Undoes a claim whose message could not be sent, so the next check tries again. */
  releaseAlertBatch(batch: AlertBatch): Promise<void>;
}
