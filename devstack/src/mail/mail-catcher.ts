import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * Dev and test only: an SMTP server that accepts every message and keeps it (as .eml files under
 * dataDir, so `make up` keeps its mail across restarts), and a small web page at /dev/mail that lists
 * them, with a JSON variant (/dev/mail/api/messages) that the tests read. It binds loopback only.
 */

export interface CaughtMail {
  id: string;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  /** The Message-ID header as sent (a sender that derives it from what the mail is about can be checked for repeats). */
  messageId: string | null;
}

export interface MailCatcher {
  smtpPort: number;
  webPort: number;
  close(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

const addresses = (field: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));

async function parse(id: string, receivedAt: string, raw: Buffer): Promise<CaughtMail> {
  const parsed = await simpleParser(raw);
  return {
    id,
    receivedAt,
    from: addresses(parsed.from).join(', '),
    to: addresses(parsed.to),
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : null,
    messageId: parsed.messageId ?? null,
  };
}

/** Kept files are named <received ms>-<id>.eml, so a directory listing sorts them by arrival. */
async function loadKept(dir: string): Promise<CaughtMail[]> {
  const files = readdirSync(dir)
    .filter((f) => /^\d+-[0-9a-f-]+\.eml$/.test(f))
    .sort();
  const messages: CaughtMail[] = [];
  for (const file of files) {
    const [ms, id] = file.slice(0, -'.eml'.length).split(/-(.*)/s);
    messages.push(await parse(id, new Date(Number(ms)).toISOString(), readFileSync(path.join(dir, file))));
  }
  return messages;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c as '&']);

/** Escaped text with its http(s) links made clickable, so a test (or a person) can follow a mailed link. */
const linkify = (text: string) =>
  escapeHtml(text).replace(/https?:\/\/[^\s<>"']+/g, (url) => `<a href="${url}">${url}</a>`);

const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.4rem;border-bottom:1px solid #ddd;overflow-wrap:anywhere}
p,h1{overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f6f6;padding:1rem}iframe{width:100%;height:30rem;border:1px solid #ddd}</style>
</head><body>${body}</body></html>`;

function listPage(messages: CaughtMail[]): string {
  const rows = messages
    .map(
      (m) =>
        `<tr><td>${escapeHtml(m.receivedAt)}</td><td>${escapeHtml(m.to.join(', '))}</td>` +
        `<td><a href="/dev/mail/${m.id}">${escapeHtml(m.subject || '(no subject)')}</a></td></tr>`,
    )
    .join('');
  return page(
    'Mail (development)',
    `<h1>Mail sent by this stack</h1><p>Development only: every message the services sent, newest first.</p>` +
      (messages.length
        ? `<table><thead><tr><th>Received</th><th>To</th><th>Subject</th></tr></thead><tbody>${rows}</tbody></table>`
        : '<p>No mail yet.</p>'),
  );
}

function messagePage(m: CaughtMail): string {
  return page(
    m.subject,
    `<p><a href="/dev/mail">All mail</a></p><h1>${escapeHtml(m.subject || '(no subject)')}</h1>` +
      `<p>From ${escapeHtml(m.from)} to ${escapeHtml(m.to.join(', '))}, ${escapeHtml(m.receivedAt)}</p>` +
      `<h2>Plain text</h2><pre data-testid="mail-text">${linkify(m.text)}</pre>` +
      (m.html ? `<h2>HTML</h2><iframe title="HTML part" src="/dev/mail/${m.id}/html"></iframe>` : ''),
  );
}

const send = (res: http.ServerResponse, status: number, type: string, body: string, headers = {}) =>
  res
    .writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store', ...headers })
    .end(body);

export async function startMailCatcher(options: {
  dataDir: string;
  smtpPort: number;
  webPort: number;
  host?: string;
}): Promise<MailCatcher> {
  const host = options.host ?? '127.0.0.1';
  mkdirSync(options.dataDir, { recursive: true });
  const messages = await loadKept(options.dataDir);

  const smtp = new SMTPServer({
    authOptional: true,
    // Credentials in SMTP_URL are accepted as they are: this server exists to keep what it is sent.
    allowInsecureAuth: true,
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'dev' }),
    disabledCommands: ['STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const id = randomUUID();
        const received = Date.now();
        writeFileSync(path.join(options.dataDir, `${received}-${id}.eml`), raw);
        parse(id, new Date(received).toISOString(), raw).then(
          (message) => {
            messages.push(message);
            callback();
          },
          (err: Error) => callback(err),
        );
      });
    },
  });

  const web = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://mail.local');
    const newestFirst = () => [...messages].reverse();
    if (req.method !== 'GET')
      return send(res, 405, 'application/json', '{"errors":[{"message":"Method not allowed"}]}');
    if (url.pathname === '/dev/mail/api/messages') {
      const to = url.searchParams.get('to')?.toLowerCase();
      const found = newestFirst().filter((m) => !to || m.to.some((a) => a.toLowerCase() === to));
      return send(res, 200, 'application/json', JSON.stringify({ messages: found }));
    }
    if (url.pathname === '/dev/mail' || url.pathname === '/dev/mail/') {
      return send(res, 200, 'text/html', listPage(newestFirst()));
    }
    const match = /^\/dev\/mail\/([0-9a-f-]{36})(\/html)?$/.exec(url.pathname);
    const message = match && messages.find((m) => m.id === match[1]);
    if (!message) return send(res, 404, 'text/html', page('Not found', '<p>No such message.</p>'));
    if (match[2]) {
      // A message's own HTML is shown as it was sent, but never runs scripts or loads anything.
      return send(res, 200, 'text/html', message.html ?? '', {
        'content-security-policy': "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:",
      });
    }
    return send(res, 200, 'text/html', messagePage(message));
  });

  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(options.smtpPort, host, () => resolve());
  });
  await new Promise<void>((resolve, reject) => {
    web.once('error', reject);
    web.listen(options.webPort, host, () => resolve());
  });
  return {
    smtpPort: options.smtpPort,
    webPort: options.webPort,
    close: () =>
      Promise.all([
        new Promise<void>((resolve) => smtp.close(() => resolve())),
        new Promise<void>((resolve) => {
          web.close(() => resolve());
          web.closeAllConnections();
        }),
      ]).then(() => undefined),
  };
}
