import { Principal } from '../auth/principal';
import { consoleErrors } from './console.errors';

/** How recent a console sign-in must be for its session to create what outlives it. */
const MAX_SIGN_IN_AGE_MS = 5 * 60_000;

/**
 * Keys, identity providers, audit sinks and end-user sessions outlive the console session that makes them, so a stolen
 * cookie must not be enough: a console session makes them only just after its sign-in. A bearer key has no sign-in to
 * age and passes.
 */
export function requireRecentSignIn(principal: Principal, now: Date): void {
  if ((principal.kind !== 'admin' && principal.kind !== 'tenant') || !principal.consoleSessionId) return;
  const signedInAt = principal.consoleSignedInAt;
  if (signedInAt && now.getTime() - signedInAt.getTime() <= MAX_SIGN_IN_AGE_MS) return;
  throw consoleErrors.console_reauthentication_required({
    maxSignInAgeSeconds: MAX_SIGN_IN_AGE_MS / 1000,
    signedInAt: signedInAt?.toISOString(),
  });
}
