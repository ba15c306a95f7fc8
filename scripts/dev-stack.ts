import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { startStack, type Stack } from '@microtick/devstack';

/** `make up`: the whole app on this machine, logs prefixed with each process's name, Ctrl-C stops it all. */

const colours = [36, 33, 35, 32, 34, 91, 96, 93, 95, 92];
const colourOf = new Map<string, number>();
const tty = process.stdout.isTTY;
function print(name: string, line: string) {
  if (!colourOf.has(name)) colourOf.set(name, colours[colourOf.size % colours.length]);
  const label = name.padEnd(10);
  process.stdout.write(tty ? `\x1b[${colourOf.get(name)}m${label}|\x1b[0m ${line}\n` : `${label}| ${line}\n`);
}

const logDir = path.resolve(__dirname, '..', '.data', 'logs');
/** The servers' own chatter goes to .data/logs/<name>.log; the services' JSON lines go to the terminal. */
function infraLog(name: string, line: string) {
  mkdirSync(logDir, { recursive: true });
  appendFileSync(path.join(logDir, `${name}.log`), `${line}\n`);
  if (/\b(FATAL|PANIC|ERROR|ERR)\b/.test(line)) print(name, line);
}

const PASSED_THROUGH = [
  'SESSION_TTL_SECONDS',
  'AUTH_RATE_LIMIT',
  'AUTH_RATE_WINDOW_SECONDS',
  'AUTH_ACCOUNT_FAILURE_LIMIT',
  'PASSWORD_RESET_EMAIL_LIMIT',
  'WRITE_RATE_LIMIT',
  'WRITE_RATE_WINDOW_SECONDS',
];

async function main() {
  const port = Number(process.env.MICROTICK_PORT ?? 3000);
  const running: { stack?: Stack } = {};
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    print('microtick', 'stopping…');
    await running.stack?.stop();
    print('microtick', 'stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  running.stack = await startStack({
    dataDir: path.resolve(__dirname, '..', '.data'),
    port,
    fixedPorts: true,
    durable: true,
    autoRestart: true,
    env: {
      ORDER_EXPIRATION_SECONDS: process.env.ORDER_EXPIRATION_SECONDS,
      MAX_OPEN_ORDERS_PER_BUYER: process.env.MAX_OPEN_ORDERS_PER_BUYER,
      ORDER_REORDER_COOLDOWN_SECONDS: process.env.ORDER_REORDER_COOLDOWN_SECONDS,
      STRIPE_SECRET_KEY: process.env.STRIPE_SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: process.env.STRIPE_WEBHOOK_SECRET,
      STRIPE_PUBLISHABLE_KEY: process.env.STRIPE_PUBLISHABLE_KEY,
      NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: process.env.NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY,
      LOG_LEVEL: process.env.LOG_LEVEL,
      // The limits and session settings the README lists, so a load test can raise them.
      ...Object.fromEntries(PASSED_THROUGH.map((name) => [name, process.env[name]])),
    },
    log: (name, line) => (['postgres', 'nats', 'redis'].includes(name) ? infraLog(name, line) : print(name, line)),
  });
  print('microtick', `MicroTick is ready at http://localhost:${port} (Ctrl-C stops everything; data in .data/)`);
}

main().catch((err) => {
  print('microtick', `failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
