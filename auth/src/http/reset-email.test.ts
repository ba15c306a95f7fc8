import { resetEmail, resetLink } from './reset-email';

describe('resetEmail', () => {
  const link = resetLink('https://microtick.example', 'a_token-with/odd+chars');

  it('carries the link in both parts, escaped in the HTML', () => {
    const email = resetEmail('ann@example.com', link);
    expect(link).toBe('https://microtick.example/auth/reset-password?token=a_token-with%2Fodd%2Bchars');
    expect(email.text).toContain(link);
    expect(email.html).toContain(`href="${link}"`);
  });

  it('lets the address to paste break anywhere, so it fits a phone-width mail client', () => {
    // A 43-character token has no place to break: at 390 px it ran off the screen.
    const { html } = resetEmail('ann@example.com', link);
    expect(html).toMatch(
      new RegExp(`<span style="[^"]*word-break:break-all[^"]*">${link.replace(/[?+/.]/g, '\\$&')}</span>`),
    );
  });
});
