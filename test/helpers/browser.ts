import { Browser, chromium } from 'playwright-core';

/**
 * Debian's Chromium (`.ci/run` installs it), headless, reaching nothing beyond this machine. Playwright gives each
 * launch a fresh, temporary profile.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}
