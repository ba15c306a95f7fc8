import { escapeHtml, type Email } from '@microtick/common';
import { RESET_TTL_SECONDS } from '../store/password-resets';

/** The client's reset page for a token; the token rides in the query so the page works without JavaScript. */
export const resetLink = (appUrl: string, token: string) =>
  `${appUrl}/auth/reset-password?token=${encodeURIComponent(token)}`;

export function resetEmail(to: string, link: string): Email {
  const minutes = RESET_TTL_SECONDS / 60;
  const text = [
    'Someone (we hope you) asked to reset the password of your MicroTick account.',
    '',
    `Choose a new password here (the link works once, for ${minutes} minutes):`,
    link,
    '',
    'If you did not ask for this, ignore this email: your password stays as it is.',
  ].join('\n');
  const href = escapeHtml(link);
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5">
<p>Someone (we hope you) asked to reset the password of your MicroTick account.</p>
<p><a href="${href}" style="display:inline-block;padding:.6em 1.2em;background:#1d4ed8;color:#fff;text-decoration:none;border-radius:4px">Choose a new password</a></p>
<p>The link works once, for ${minutes} minutes. If the button does not work, paste this address into your browser:<br><span style="word-break:break-all;overflow-wrap:anywhere">${href}</span></p>
<p>If you did not ask for this, ignore this email: your password stays as it is.</p>
</body></html>`;
  return { to, subject: 'Reset your MicroTick password', text, html };
}
