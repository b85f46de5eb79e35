import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { BrowserContext, Page } from 'playwright-core';

/** Screenshots of each console page, for people to look at (gitignored). */
export const CONSOLE_SCREENSHOTS = path.join('test-artifacts', 'console');
/** Tenant-controlled text that would run script if the console rendered it as markup. */
export const HOSTILE = '<img src=x onerror="window.__xss=1">"\'><script>window.__xss=2</script>';

/** Serious or critical accessibility violations on the page as it is now (axe-core). */
export async function seriousViolations(page: Page): Promise<string[]> {
  return (await new AxeBuilder({ page }).analyze()).violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

/** Saves a full-page screenshot of the page as `<name>.png` with the others. */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(CONSOLE_SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(CONSOLE_SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Signs in on the console's own page with the key, waits for the first page, and returns the session's cookie. */
export async function signIn(context: BrowserContext, page: Page, url: string, key: string) {
  await page.goto(`${url}/console`);
  await page.getByLabel('Tenant or admin key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  const cookie = (await context.cookies()).find((candidate) => candidate.name === '__Host-callpass_console')!;
  return { cookie, header: `${cookie.name}=${cookie.value}` };
}

/** Whether any hostile string ran as script on the page. */
export async function ranHostileScript(page: Page): Promise<boolean> {
  return (await page.evaluate('window.__xss')) !== undefined;
}
