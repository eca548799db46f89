import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { artifactPath, launchChromium } from '../helpers/chromium.ts';
import { CONSOLE_TOKEN, startConsole } from '../helpers/console-server.ts';

let chromium: Awaited<ReturnType<typeof launchChromium>>;
let context: BrowserContext;
let server: Awaited<ReturnType<typeof startConsole>>;
const PLACEHOLDER = '<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630"><rect width="1200" height="630" fill="#9db4c0"/><text x="600" y="330" font-size="64" text-anchor="middle" fill="#fff">article image</text></svg>';

beforeAll(async () => {
  [chromium, server] = await Promise.all([launchChromium(), startConsole()]);
  context = chromium.context;
  // No network here: the articles' images (on the outlet's site) come from this placeholder.
  await context.route((url) => url.origin !== new URL(server.url).origin, (route) => route.fulfill({ contentType: 'image/svg+xml', body: PLACEHOLDER }));
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

describe('the console in a real browser', () => {
  it('logs in, shows a posted article, approves a review item and retries a failed one', async () => {
    await context.clearCookies();
    const page = await context.newPage();
    await page.setViewportSize({ width: 1100, height: 900 });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && /Content Security Policy|Refused/.test(m.text()) && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));

    await page.goto(`${server.url}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.screenshot({ path: artifactPath('console-login.png'), fullPage: true });
    await page.fill('input[name=token]', 'not the token');
    await page.click('button[type=submit]');
    expect(await page.textContent('.problem')).toBe('Wrong token: enter the value of http.token from Herald’s config.');
    await page.fill('input[name=token]', CONSOLE_TOKEN);
    await page.click('button[type=submit]');
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.textContent('h1')).toBe('Overview');
    expect(await page.textContent('main')).toContain('Bluesky refused the app password');
    await page.screenshot({ path: artifactPath('console-overview.png'), fullPage: true });

    await page.click('nav >> text=History');
    const sent = page.locator('#d1');
    expect(await sent.locator('.state').textContent()).toBe('sent');
    expect(await sent.locator('.article a').textContent()).toBe('Kazakhstan, US Maintain Constructive Dialogue on Human Rights (1)');
    expect(await sent.locator('.post-x .card-host').textContent()).toBe('astanatimes.com');
    expect(await sent.locator('a', { hasText: 'view post' }).getAttribute('href')).toBe('https://x.com/astanatimes/status/1790000000000000001');
    await page.screenshot({ path: artifactPath('console-history.png'), fullPage: true });

    await page.click('nav >> text=Queue');
    await page.screenshot({ path: artifactPath('console-queue.png'), fullPage: true });
    const review = page.locator('#d2');
    expect(await review.locator('.post-telegram b a').textContent()).toBe('Kazakhstan, US Maintain Constructive Dialogue on Human Rights (2)');
    await review.locator('button', { hasText: 'Approve' }).click();
    expect(await page.textContent('.notice')).toMatch(/^#2 \(telegram-main: .*\(2\)\) approved/);
    expect((await server.store.delivery(2))!.state).toBe('pending');

    await page.locator('#d3 button', { hasText: 'Retry' }).click();
    expect(await page.textContent('.notice')).toMatch(/^#3 \(bluesky-main: .*\(3\)\) queued again\.$/);
    expect((await server.store.delivery(3))!.state).toBe('pending');
    await page.screenshot({ path: artifactPath('console-queue-after-actions.png'), fullPage: true });

    await page.click('nav >> text=Preview');
    await page.selectOption('select[name=channel]', 'telegram-main');
    await page.click('form.filters button');
    expect(new URL(page.url()).search).toBe('?channel=telegram-main');
    expect(await page.locator('.post-telegram').count()).toBe(2);
    await page.screenshot({ path: artifactPath('console-preview.png'), fullPage: true });

    await page.click('nav >> text=Overview');
    await page.locator('form[action="/actions/channels/bluesky-main/resume"] button').click();
    expect(await page.textContent('.notice')).toBe('bluesky-main resumed: its queue is sent again.');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('fits a phone screen without sideways scrolling', async () => {
    await context.clearCookies();
    const page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/login`);
    await page.fill('input[name=token]', CONSOLE_TOKEN);
    await page.click('button[type=submit]');
    for (const [path, name] of [['/', 'overview'], ['/queue', 'queue']] as const) {
      await page.goto(`${server.url}${path}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, path).toBe(0);
      await page.screenshot({ path: artifactPath(`console-phone-${name}.png`), fullPage: true });
    }
    await page.close();
  }, 60_000);
});
