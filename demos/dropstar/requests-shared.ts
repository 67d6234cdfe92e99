/** Names shared by the Requests tab's scripts. */
export const BUCKET = 'requests';
/** The counter the poller increments. */
export const COUNTER = 'requests';
/** Held while the poller is stopped; the poller checks it before every increment. */
export const STOP_LOCK = 'request_poller_stop';
/** Messages to the stop switch: it reconciles the lock with state `requests.stopped`. */
export const CONTROL_QUEUE = 'requests_control';
export const DELAY = { min: 10, max: 1000, default: 250 } as const;

export function stopButtonLabel(stopped: boolean): string {
  return stopped ? 'Resume request poller' : 'Stop request poller';
}
