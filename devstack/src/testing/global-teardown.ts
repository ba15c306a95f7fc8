import { rmSync } from 'node:fs';
import type { RunningServer } from '../processes';

export default async function globalTeardown(): Promise<void> {
  const state = globalThis as { __microtickServers?: RunningServer[]; __microtickRoot?: string };
  await Promise.all((state.__microtickServers ?? []).map((server) => server.stop()));
  if (state.__microtickRoot) rmSync(state.__microtickRoot, { recursive: true, force: true });
}
