import path from 'node:path';
import type { Page } from 'playwright-core';
import { browserSuite, SCREENSHOTS_DIR, signUpInBrowser } from '@microtick/devstack';

/**
 * Password reset in a real browser on the real stack, with and without JavaScript: "Forgot password?"
 * on the sign-in page, the email read at /dev/mail (the local mail server, through the gateway), the
 * link followed, a refused and an accepted new password, the other device signed out, and the new
 * password signing in. Needs `next build` first (make test does it). Screenshots (desktop width) go to
 * artifacts/screenshots/password-reset-*.png.
 */

const OLD_PASSWORD = 'a good long password';
const NEW_PASSWORD = 'another fine passphrase';
const run = Date.now().toString(36);

describe('password reset in the browser, on the real stack', () => {
  const suite = browserSuite();
  const { newPage, pageErrors } = suite;

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: path.join(SCREENSHOTS_DIR, `password-reset-${name}.png`), fullPage: true });

  const signUp = (page: Page, email: string) => signUpInBrowser(page, email, OLD_PASSWORD);

  async function signIn(page: Page, email: string, password: string): Promise<void> {
    await page.goto('/auth/signin');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  /** Opens the newest mail to the address at /dev/mail (waiting for it) and follows its reset link. */
  async function followResetLink(page: Page, email: string): Promise<void> {
    const row = page.getByRole('row').filter({ hasText: email });
    for (let attempt = 0; (await row.count()) === 0; attempt++) {
      if (attempt > 50) throw new Error(`no mail to ${email} at /dev/mail`);
      await page.goto('/dev/mail');
      await page.waitForTimeout(200);
    }
    await row.first().getByRole('link', { name: 'Reset your MicroTick password' }).click();
    const link = page.getByTestId('mail-text').getByRole('link');
    expect(new URL((await link.getAttribute('href'))!).origin).toBe(new URL(suite.stack.url).origin);
    await link.click();
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
  }

  it.each([
    { how: 'with JavaScript', javaScriptEnabled: true },
    { how: 'without JavaScript', javaScriptEnabled: false },
  ])(
    'a forgotten password is reset from the emailed link $how, and every other session ends',
    async ({ javaScriptEnabled }) => {
      const email = `reset-${javaScriptEnabled ? 'js' : 'nojs'}-${run}@example.com`;
      const otherDevice = await newPage();
      await signUp(otherDevice, email);

      const page = await newPage({ javaScriptEnabled });
      await page.goto('/auth/signin');
      await page.getByRole('link', { name: 'Forgot password?' }).click();
      await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
      await page.getByLabel('Email').fill('not an email');
      await page.getByRole('button', { name: 'Email me a reset link' }).click();
      await page.getByTestId('error-email').waitFor();
      if (javaScriptEnabled) await shot(page, 'request-error');
      await page.getByLabel('Email').fill(email);
      await page.getByRole('button', { name: 'Email me a reset link' }).click();
      await page.getByTestId('reset-sent').waitFor();
      if (javaScriptEnabled) await shot(page, 'sent');

      await followResetLink(page, email);
      await page.getByLabel('New password').fill('short');
      await page.getByRole('button', { name: 'Set new password' }).click();
      expect(await page.getByTestId('error-newPassword').textContent()).toBe(
        'Password must be between 12 and 128 characters',
      );
      if (javaScriptEnabled) await shot(page, 'new-password-error');
      await page.getByLabel('New password').fill(NEW_PASSWORD);
      await page.getByRole('button', { name: 'Set new password' }).click();
      await page.getByTestId('reset-done').waitFor();
      expect(new URL(page.url()).pathname).toBe('/auth/signin');
      if (javaScriptEnabled) await shot(page, 'done');

      await otherDevice.reload();
      await otherDevice.getByRole('link', { name: 'Sign in' }).first().waitFor();
      expect(await otherDevice.getByTestId('current-user').count()).toBe(0);

      await signIn(page, email, OLD_PASSWORD);
      await page.getByTestId('form-error').filter({ hasText: 'Invalid credentials' }).waitFor();
      await signIn(page, email, NEW_PASSWORD);
      await page.getByTestId('current-user').filter({ hasText: email }).waitFor();

      // The link was used: following it again is refused with a way to ask for a new one.
      await followResetLink(page, email);
      await page.getByLabel('New password').fill('yet another passphrase');
      await page.getByRole('button', { name: 'Set new password' }).click();
      await page.getByTestId('form-error').filter({ hasText: 'Invalid or expired link' }).waitFor();
      expect(pageErrors).toEqual([]);
    },
    120_000,
  );
});
