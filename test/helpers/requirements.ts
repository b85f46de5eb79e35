import fs from 'node:fs';
import { rsyslogAvailable } from './rsyslog-collector';

/** What some suites need beyond Node and npm: the servers CI runs, and a browser. */
export type Requirement = 'postgresql' | 'redis' | 'chromium' | 'rsyslog';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const requirements: Record<Requirement, { met: () => boolean; missing: string }> = {
  postgresql: { met: () => Boolean(process.env.TEST_DATABASE_URL), missing: 'needs PostgreSQL: set TEST_DATABASE_URL' },
  redis: { met: () => Boolean(process.env.TEST_REDIS_URL), missing: 'needs Redis: set TEST_REDIS_URL' },
  // CI installs Chromium, so there a missing one is a failure, never a skip.
  chromium: {
    met: () => process.env.CI === 'true' || fs.existsSync(CHROMIUM_PATH),
    missing: `needs Chromium at ${CHROMIUM_PATH}: apt-get install chromium, or set CHROMIUM_PATH`,
  },
  // The syslog collector of the audit streaming tests; CI installs it too.
  rsyslog: {
    met: () => process.env.CI === 'true' || rsyslogAvailable(),
    missing: 'needs rsyslog with TLS: apt-get install rsyslog rsyslog-gnutls',
  },
};

/** Why the tests needing `needs` cannot run here, or undefined when they can. */
export function unmet(needs: Requirement[]): string | undefined {
  const missing = needs.filter((need) => !requirements[need].met()).map((need) => requirements[need].missing);
  return missing.length ? missing.join('; ') : undefined;
}

/** `describe`, or a skipped one (Jest counts its tests as skipped) whose name says what is missing. */
export function describeWith(needs: Requirement[], name: string, tests: () => void): void {
  const reason = unmet(needs);
  if (reason) describe.skip(`${name} (skipped: ${reason})`, tests);
  else describe(name, tests);
}

/** `it`, or a skipped one whose name says what is missing. */
export function itWith(needs: Requirement[], name: string, test: () => Promise<void>, timeout?: number): void {
  const reason = unmet(needs);
  if (reason) it.skip(`${name} (skipped: ${reason})`, test);
  else it(name, test, timeout);
}

/** One line for the start of a run that will skip tests. */
export function skipNotice(): string | undefined {
  const reasons = (Object.keys(requirements) as Requirement[]).map((need) => unmet([need])).filter(Boolean);
  return reasons.length ? `Some suites will be skipped: ${reasons.join('; ')}.` : undefined;
}
