// Next.js calls register() once when the server starts, before it serves anything. The check lives in
// its own module so the Edge build never sees process.exit.
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { exitOnInvalidConfig } = await import('./instrumentation-node');
    exitOnInvalidConfig();
  }
}
