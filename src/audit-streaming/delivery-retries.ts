/** The first retry waits about a second; each failure doubles it, up to five minutes. */
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 5 * 60_000;
/** Receivers that keep refusing (a 4xx other than 408 and 429) this many times in a row are paused. */
export const REFUSALS_BEFORE_PAUSE = 5;
/** Failing for this long, whatever the cause, pauses the sink. */
export const RETRY_FOR_MS = 24 * 3600_000;

/** Capped exponential backoff with jitter (half fixed, half random), so failed sinks do not retry in step. */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const capped = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(attempts - 1, 20));
  return Math.round(capped / 2 + (random() * capped) / 2);
}

/** Why the sink must stop being tried, if it must. */
export function pauseReason(
  status: number | null,
  attempts: number,
  failingSince: Date,
  now: Date,
): 'receiver_refused' | 'retries_exhausted' | undefined {
  const refused = status !== null && status >= 400 && status < 500 && status !== 408 && status !== 429;
  if (refused && attempts >= REFUSALS_BEFORE_PAUSE) return 'receiver_refused';
  if (now.getTime() - failingSince.getTime() >= RETRY_FOR_MS) return 'retries_exhausted';
  return undefined;
}
