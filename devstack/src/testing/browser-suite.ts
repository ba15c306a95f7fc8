import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { ROOT } from '../stack/launch-service';
import type { TestStack } from '../stack/test-stack';
import { CHROMIUM_ARGS, CHROMIUM_PATH, VIEWPORTS } from './browser';
import { stackSuite } from './stack-suite';

export const SCREENSHOTS_DIR = path.join(ROOT, 'artifacts/screenshots');

export interface Viewport {
  readonly tag: string;
  readonly width: number;
  readonly height: number;
}

export interface BrowserSuiteOptions {
  /** The services' environment; a function when it needs what the file's own beforeAll started first. */
  env?: Record<string, string> | (() => Record<string, string>);
  /** Screenshot files are `<prefix><name>-<tag>.png` in artifacts/screenshots/. */
  screenshotPrefix?: string;
  /** A file in artifacts/screenshots/ listing the suite's screenshots, written (and printed) after it. */
  screenshotIndex?: string;
  /** The widths `shot` takes; the first is every new page's size (default VIEWPORTS). */
  viewports?: readonly Viewport[];
}

export interface BrowserSuite {
  /** The real stack with the client; set from the suite's beforeAll on. */
  readonly stack: TestStack;
  readonly browser: Browser;
  /** Every uncaught error of any page the suite opened, as the browser reported it. */
  readonly pageErrors: string[];
  /**
   * A page in a new browser context at the first width, on the stack's origin. `prepare` runs on the
   * context before the page opens (cookies, routes).
   */
  newPage(options?: BrowserContextOptions, prepare?: (context: BrowserContext) => Promise<void>): Promise<Page>;
  /**
   * A full-page screenshot at each width (then `alsoAt`, e.g. an accessibility check, at that width), and
   * back to the page's size before.
   */
  shot(page: Page, name: string, alsoAt?: (tag: string) => Promise<void>): Promise<void>;
}

/**
 * The set-up every browser test file shares: checks the client is built, starts the real stack with
 * the client and Debian's chromium once for the file (beforeAll), and closes every context, the browser
 * and the stack afterwards (afterAll). Call it at the top of a describe block.
 */
export function browserSuite(options: BrowserSuiteOptions = {}): BrowserSuite {
  const viewports = options.viewports ?? VIEWPORTS;
  const contexts: BrowserContext[] = [];
  const screenshots: string[] = [];
  let browser: Browser | undefined;

  beforeAll(() => {
    if (!existsSync(path.join(ROOT, 'client/.next/BUILD_ID'))) {
      throw new Error("The web client is not built: run 'make build' (or 'npm run build -w @microtick/client') first");
    }
    mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  });
  // Registered before the stack's: hooks run in the order they were added, so the browser closes first.
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    if (options.screenshotIndex && screenshots.length > 0) {
      writeFileSync(path.join(SCREENSHOTS_DIR, options.screenshotIndex), screenshots.join('\n') + '\n');
      console.log(`Screenshots (${screenshots.length}):\n${screenshots.map((s) => `  ${s}`).join('\n')}`);
    }
  }, 30_000);
  const { env } = options;
  const running = stackSuite(() => ({ client: true, env: typeof env === 'function' ? env() : env }));
  beforeAll(async () => {
    // Loaded here, not at import: the service tests that import this package never start a browser.
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  }, 60_000);

  const suite: BrowserSuite = {
    get stack() {
      return running.stack;
    },
    get browser() {
      if (!browser) throw new Error('the browser starts in beforeAll');
      return browser;
    },
    pageErrors: [],
    async newPage(contextOptions = {}, prepare) {
      const context = await suite.browser.newContext({
        baseURL: suite.stack.url,
        viewport: viewports[0],
        ...contextOptions,
      });
      contexts.push(context);
      await prepare?.(context);
      const page = await context.newPage();
      page.on('pageerror', (error) => suite.pageErrors.push(error.message));
      return page;
    },
    async shot(page, name, alsoAt) {
      const original = page.viewportSize() ?? viewports[0];
      for (const { tag, width, height } of viewports) {
        await page.setViewportSize({ width, height });
        const file = path.join(SCREENSHOTS_DIR, `${options.screenshotPrefix ?? ''}${name}-${tag}.png`);
        await page.screenshot({ path: file, fullPage: true });
        screenshots.push(path.relative(ROOT, file));
        await alsoAt?.(tag);
      }
      await page.setViewportSize(original);
    },
  };
  return suite;
}

/** Signs up on the sign-up page and waits until the header shows the new user. */
export async function signUpInBrowser(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/auth/signup');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByTestId('current-user').filter({ hasText: email }).waitFor();
}

/** Lists a ticket through the sell form; the new ticket's id, once its page shows. */
export async function listTicketInBrowser(page: Page, title: string, price: string): Promise<string> {
  await page.goto('/tickets/new');
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Price (USD)').fill(price);
  await page.getByRole('button', { name: 'List ticket' }).click();
  await page.getByTestId('ticket-detail').waitFor();
  return new URL(page.url()).pathname.split('/tickets/')[1];
}

/** Waits until the locator's (first match's) text contains, or matches, the expectation. */
export async function expectText(locator: Locator, expected: string | RegExp, timeoutMs = 5000): Promise<void> {
  await locator.first().waitFor({ timeout: timeoutMs });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = (await locator.first().textContent()) ?? '';
    const ok = typeof expected === 'string' ? text.includes(expected) : expected.test(text);
    if (ok) return;
    if (Date.now() > deadline) expect(text).toMatch(expected);
    await new Promise((r) => setTimeout(r, 100));
  }
}
