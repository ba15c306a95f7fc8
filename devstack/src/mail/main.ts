import { startMailCatcher } from './mail-catcher';

/** The local mail server as its own process (see startMailServer): MAIL_DIR, SMTP_PORT, MAIL_WEB_PORT. */
const required = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

startMailCatcher({
  dataDir: required('MAIL_DIR'),
  smtpPort: Number(required('SMTP_PORT')),
  webPort: Number(required('MAIL_WEB_PORT')),
}).then(
  (catcher) => {
    console.log(`mail: SMTP on 127.0.0.1:${catcher.smtpPort}, messages at 127.0.0.1:${catcher.webPort}/dev/mail`);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => void catcher.close().then(() => process.exit(0)));
    }
  },
  (err: unknown) => {
    console.error(`mail: failed to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
