import { Browser, chromium } from 'playwright-core';
import { CHROMIUM_PATH } from './requirements';

/**
 * Debian's Chromium (`.ci/run` installs it), headless, reaching nothing beyond this machine. Playwright gives each
 * launch a fresh, temporary profile.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      // Pages here load calling SDKs that reach for their vendors' servers: no name resolves but this machine's.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
    ],
  });
}
