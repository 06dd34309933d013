import { test, expect } from './helpers';
import type { Page } from '@playwright/test';
import { contentSecurityPolicy } from '../scripts/csp';

/** Every securitypolicyviolation the page sees, from its first script on, and CSP messages on the console. */
async function recordViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __csp: string[] }).__csp = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`));
  });
  const console: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) console.push(m.text());
  });
  return async () => [...(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)), ...console];
}

test('the page runs under a Content-Security-Policy that allows only its own origin', async ({ page }) => {
  const violations = await recordViolations(page);
  let reachedNetwork = 0;
  await page.route('https://example.com/**', (route) => {
    reachedNetwork++;
    return route.fulfill({ status: 200, body: 'should never be asked for' });
  });
  await page.goto('/');
  await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute('content', contentSecurityPolicy(false));

  const blocked = await page.evaluate(async () => {
    const violation = new Promise<string>((resolve) => document.addEventListener('securitypolicyviolation', (e) => resolve(`${e.effectiveDirective} ${e.blockedURI}`), { once: true }));
    const outcome = await fetch('https://example.com/').then(() => 'fetched', (e: Error) => `refused: ${e.name}`);
    return { outcome, violation: await violation };
  });
  expect(blocked.outcome).toBe('refused: TypeError');
  expect(blocked.violation).toBe('connect-src https://example.com/');
  // An injected inline script does not run.
  const inline = await page.evaluate(async () => {
    const violation = new Promise<string>((resolve) => document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), { once: true }));
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true';
    document.head.append(script);
    return { directive: await violation, ran: (window as unknown as { __injected?: boolean }).__injected === true };
  });
  expect(inline).toEqual({ directive: 'script-src-elem', ran: false });
  expect(reachedNetwork).toBe(0);
  expect((await violations()).filter((v) => !/example\.com|script-src-elem blocked inline|Executing inline script/.test(v))).toEqual([]);
});

test('loading the built-in example and exporting it raises no CSP violation, in the page or its worker', async ({ page }, info) => {
  const violations = await recordViolations(page);
  await page.goto('/');
  await expect(page.getByTestId('canvas')).toBeVisible();
  await page.getByTestId('mode-lists').click();
  await expect(page.getByTestId('list-old').getByTestId('variable-row').first()).toBeVisible();
  await expect(page.getByTestId('stat-std')).not.toHaveText('—');
  await expect(page.getByTestId('error')).toHaveCount(0);
  expect(await violations()).toEqual([]);

  // The worker runs under the policy of its own script's response (the preview server's header).
  const worker = page.workers()[0];
  expect(worker, 'the page starts its worker').toBeDefined();
  const inWorker = await worker!.evaluate(async () => {
    const scope = self as unknown as { __csp: string[]; addEventListener: typeof addEventListener };
    scope.__csp = [];
    scope.addEventListener('securitypolicyviolation', (e) => scope.__csp.push(`${(e as SecurityPolicyViolationEvent).effectiveDirective} ${(e as SecurityPolicyViolationEvent).blockedURI}`));
    const outcome = await fetch('https://example.com/').then(() => 'fetched', (e: Error) => `refused: ${e.name}`);
    await new Promise((r) => setTimeout(r, 100));
    const seen = [...scope.__csp];
    scope.__csp.length = 0;
    return { outcome, seen };
  });
  expect(inWorker).toEqual({ outcome: 'refused: TypeError', seen: ['connect-src https://example.com/'] });

  // An export reads, transforms (TF.js), hashes and writes in the worker: every format it offers.
  const panel = page.getByTestId('export-panel');
  await page.getByTestId('export-open').click();
  for (const format of await panel.getByTestId('export-format').locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))) {
    await panel.getByTestId('export-format').selectOption(format);
    await panel.getByTestId('export-start').click();
    await expect(panel.getByTestId('export-download')).toBeVisible({ timeout: 45_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), panel.getByTestId('export-download').click()]);
    await download.saveAs(info.outputPath(download.suggestedFilename()));
  }
  await expect(page.getByTestId('error')).toHaveCount(0);
  expect(await violations()).toEqual([]);
  expect(await worker!.evaluate(() => (self as unknown as { __csp: string[] }).__csp)).toEqual([]);
});
