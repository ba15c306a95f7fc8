import { paymentConfigProblems } from './lib/config';

/** A client that would show the wrong payment form refuses to start, like the services do. */
export function exitOnInvalidConfig(): void {
  const problems = paymentConfigProblems();
  if (problems.length === 0) return;
  console.error(
    JSON.stringify({ level: 'fatal', time: new Date().toISOString(), msg: 'Invalid configuration', problems }),
  );
  process.exit(1);
}
