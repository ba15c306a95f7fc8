import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createMailer } from '@microtick/common';
import { freePort } from '../processes';
import { mailTo, testLogger } from '../testing/harness';
import { startMailCatcher, type MailCatcher } from './mail-catcher';

/** The local mail server that make up and the tests send to: it keeps every message, across restarts. */

let dir: string;
let catcher: MailCatcher | undefined;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'microtick-mail-'));
});
afterEach(async () => {
  await catcher?.close();
  catcher = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function start(ports?: { smtpPort: number; webPort: number }) {
  catcher = await startMailCatcher({
    dataDir: dir,
    ...(ports ?? { smtpPort: await freePort(), webPort: await freePort() }),
  });
  return { ...catcher, web: `http://127.0.0.1:${catcher.webPort}` };
}

async function send(smtpPort: number, to: string, subject: string) {
  const mailer = createMailer({
    url: `smtp://127.0.0.1:${smtpPort}`,
    from: 'MicroTick <no@localhost>',
    logger: testLogger,
  });
  await mailer.send({
    to,
    subject,
    text: 'Open https://example.com/x?token=a_b now',
    html: '<p>Hello <b>there</b></p>',
  });
  await mailer.close();
}

it('keeps each message with both parts, lists it newest first and finds it by recipient', async () => {
  const { smtpPort, web } = await start();
  await send(smtpPort, 'ann@example.com', 'First');
  await send(smtpPort, 'bob@example.com', 'Second <script>');
  expect(await mailTo('ANN@example.com', web)).toEqual([
    expect.objectContaining({
      to: ['ann@example.com'],
      from: 'no@localhost',
      subject: 'First',
      text: 'Open https://example.com/x?token=a_b now',
      html: '<p>Hello <b>there</b></p>',
      messageId: expect.stringMatching(/^<.+@.+>$/),
    }),
  ]);
  const list = await (await fetch(`${web}/dev/mail`)).text();
  expect(list.indexOf('Second &lt;script&gt;')).toBeLessThan(list.indexOf('First'));
  expect(list).not.toContain('<script>');
  const [first] = await mailTo('ann@example.com', web);
  const view = await (await fetch(`${web}/dev/mail/${first.id}`)).text();
  expect(view).toContain('<a href="https://example.com/x?token=a_b">');
  const html = await fetch(`${web}/dev/mail/${first.id}/html`);
  expect(html.headers.get('content-security-policy')).toMatch(/^sandbox;/);
});

it('still has its messages after a restart', async () => {
  const ports = { smtpPort: await freePort(), webPort: await freePort() };
  await send((await start(ports)).smtpPort, 'carol@example.com', 'Kept');
  await catcher!.close();
  const { web } = await start(ports);
  expect((await mailTo('carol@example.com', web)).map((m) => m.subject)).toEqual(['Kept']);
});
