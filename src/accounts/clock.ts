/**
 * The accounts clock. Expiry of email tokens, MFA codes, OAuth state, login codes and
 * sessions is checked against it (never against Postgres `now()`), so tests can move time
 * forward instead of sleeping. Production never moves it.
 */
let offsetMs = 0

export const now = () => Date.now() + offsetMs
export const nowDate = () => new Date(now())

/** Moves the clock by `ms` (tests only); `resetClock()` puts it back. */
export const advanceClock = (ms: number) => void (offsetMs += ms)
export const resetClock = () => void (offsetMs = 0)
