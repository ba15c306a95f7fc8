import { startTestStack, type TestStack } from '../stack/test-stack';
import type { StackOptions } from '../stack/start-stack';

export interface StackSuite {
  /** The real stack; set from the suite's beforeAll on. */
  readonly stack: TestStack;
}

/**
 * Starts the real stack once for the test file (beforeAll) and stops it afterwards (afterAll). Call it
 * at the top of a describe block. `options` may be a function when it needs what an earlier beforeAll
 * of the file started (a fake Stripe, say).
 */
export function stackSuite(options: Partial<StackOptions> | (() => Partial<StackOptions>) = {}): StackSuite {
  let stack: TestStack | undefined;
  beforeAll(async () => {
    stack = await startTestStack(typeof options === 'function' ? options() : options);
  }, 180_000);
  afterAll(() => stack?.cleanup(), 90_000);
  return {
    get stack() {
      if (!stack) throw new Error('the stack starts in beforeAll');
      return stack;
    },
  };
}
