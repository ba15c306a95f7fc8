import { BatchedWait } from './batched-wait';

describe('BatchedWait', () => {
  it('resolves every waiter of a key once one check finds it, with one check for all waiting keys', async () => {
    const arrived = new Set<string>();
    const checks: string[][] = [];
    const wait = new BatchedWait<string>(
      async (keys) => {
        checks.push([...keys].sort());
        return keys.filter((k) => arrived.has(k));
      },
      { intervalMs: 5, timeoutMs: 1000 },
    );
    const a1 = wait.until('a');
    const a2 = wait.until('a');
    const b = wait.until('b');
    setTimeout(() => arrived.add('a').add('b'), 20);
    await expect(Promise.all([a1, a2, b])).resolves.toEqual([true, true, true]);
    expect(checks[0]).toEqual(['a', 'b']);
    expect(checks.every((keys) => keys.length <= 2)).toBe(true);
  });

  it('resolves false for a key that does not arrive within the timeout, and stops checking', async () => {
    let checks = 0;
    const wait = new BatchedWait<string>(
      async () => {
        checks += 1;
        return [];
      },
      { intervalMs: 5, timeoutMs: 30 },
    );
    const started = Date.now();
    await expect(wait.until('never')).resolves.toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(30);
    const after = checks;
    await new Promise((r) => setTimeout(r, 30));
    expect(checks).toBe(after);
  });

  it('treats a failed check as nothing arrived yet and asks again', async () => {
    let calls = 0;
    const wait = new BatchedWait<string>(
      async (keys) => {
        calls += 1;
        if (calls === 1) throw new Error('database away');
        return keys;
      },
      { intervalMs: 5, timeoutMs: 1000 },
    );
    await expect(wait.until('a')).resolves.toBe(true);
    expect(calls).toBe(2);
  });
});
