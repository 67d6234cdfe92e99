/**
 * The alert state machine (SPEC §9), pure and driven by the evaluation times it is given:
 *
 *   ok/resolved ──when true──▶ pending ──still true after `for`──▶ firing ──cleared──▶ resolved
 *        ▲                        │ (for = 0: straight to firing)     │ repeat: re-notify
 *        └──────when false────────┘                                   │ while firing
 *
 * - "cleared" is `clear` true when a `clear` expression is given (hysteresis: between the two
 *   thresholds a firing alert stays firing), else `when` false.
 * - An unknown result (no data, division by 0) changes no state: a pending alert neither fires
 *   nor returns to ok on it, a firing alert does not resolve on it (and still repeats: it is
 *   still firing).
 * - Notifications: on firing, every `repeat` while firing, and once on resolving; pending and
 *   the return from pending to ok notify nothing.
 * - `since` is when the current state began.
 * - After a restart (`restore`) firing and resolved stay as they were (no new notification);
 *   a pending alert starts its `for` again, since the condition was not watched while down.
 */

export type AlertState = 'ok' | 'pending' | 'firing' | 'resolved';
export type Verdict = 'true' | 'false' | 'unknown';
export type Notification = 'firing' | 'repeat' | 'resolved';

export interface AlertStatus {
  readonly state: AlertState;
  /** Epoch ms when the current state began. */
  readonly since: number;
  /** Epoch ms of the last notification (firing or repeat), if any. */
  readonly lastNotified: number | undefined;
  /** The alert's value at the last evaluation (NaN = unknown). */
  readonly value: number;
}

export interface MachineOptions {
  readonly forMs: number;
  readonly repeatMs: number | undefined;
}

export interface Step {
  readonly status: AlertStatus;
  /** Set when the state changed. */
  readonly transition?: { readonly from: AlertState; readonly to: AlertState } | undefined;
  /** Set when the alert's `run` list should run. */
  readonly notify?: Notification | undefined;
}

export const INITIAL: AlertStatus = Object.freeze({ state: 'ok', since: 0, lastNotified: undefined, value: NaN });

/** The step that changes nothing but the value: its `status` is not the alert's (keep your own, set `value`). */
export const STAY: Step = Object.freeze({ status: INITIAL, transition: undefined, notify: undefined });

/**
 * One evaluation at `now`: `when` is the condition's verdict, `clear` the clear condition's
 * (undefined when the alert has none), `value` the reported value.
 */
export function step(options: MachineOptions, current: AlertStatus, now: number, when: Verdict, clear: Verdict | undefined, value: number): Step {
  const to = (state: AlertState, notify?: Notification): Step => ({
    status: { state, since: now, lastNotified: notify ? now : current.lastNotified, value },
    transition: { from: current.state, to: state },
    notify,
  });
  // Most evaluations change nothing: no allocation then (the caller keeps `value` itself).
  const stay = STAY;
  switch (current.state) {
    case 'ok':
    case 'resolved':
      if (when !== 'true') return stay;
      return options.forMs <= 0 ? to('firing', 'firing') : to('pending');
    case 'pending':
      if (when === 'false') return to('ok');
      if (when === 'true' && now - current.since >= options.forMs) return to('firing', 'firing');
      return stay;
    case 'firing': {
      const cleared = clear === undefined ? when === 'false' : clear === 'true';
      if (cleared) return to('resolved', 'resolved');
      if (options.repeatMs !== undefined && current.lastNotified !== undefined && now - current.lastNotified >= options.repeatMs) {
        return { status: { ...current, value, lastNotified: now }, notify: 'repeat' };
      }
      return stay;
    }
  }
}

/** The status to continue with after a restart at `now` (see the header). */
export function restore(saved: AlertStatus, now: number): AlertStatus {
  return saved.state === 'pending' ? { ...saved, since: now } : saved;
}

/** A compiled value as a verdict: NaN unknown, 0 false, anything else true. */
export function verdict(v: number): Verdict {
  return v !== v ? 'unknown' : v === 0 ? 'false' : 'true';
}
