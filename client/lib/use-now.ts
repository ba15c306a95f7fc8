'use client';

import { useEffect, useState } from 'react';

/**
 * The current time, ticking every `intervalMs`. The first render uses the server's clock so the
 * server HTML and the first client render agree; a client clock that is off by more than a few
 * seconds from the server's is corrected.
 */
export function useNow(serverNow: number, intervalMs = 1000): number {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    const skew = serverNow - Date.now();
    const offset = Math.abs(skew) > 5000 ? skew : 0;
    const tick = () => setNow(Date.now() + offset);
    tick();
    const timer = setInterval(tick, intervalMs);
    return () => clearInterval(timer);
  }, [serverNow, intervalMs]);
  return now;
}
