'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';
import { dateFilterReady } from '@/lib/event-time';

/** Long enough for the next keystroke of a date being typed, short enough to feel immediate. */
const TYPING_PAUSE_MS = 700;

/**
 * With JavaScript, the home page's sort and date filters apply as soon as they change: the form's fields
 * are sent as the Search button would send them (a GET of "/"), through the router, so focus stays on the
 * control. Without JavaScript this renders nothing that does anything, and Search applies them.
 */
export function ApplyOnChange() {
  const router = useRouter();
  const anchor = useRef<HTMLSpanElement>(null);

  useEffect(() => {
    const form = anchor.current?.closest('form');
    if (!form) return;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const apply = () => {
      const query = new URLSearchParams();
      for (const [name, value] of new FormData(form)) if (typeof value === 'string') query.append(name, value);
      router.push(`${new URL(form.action).pathname}?${query}`, { scroll: false });
    };
    const onChange = (event: Event) => {
      const control = event.target;
      if (control instanceof HTMLSelectElement) return apply();
      if (!(control instanceof HTMLInputElement) || control.type !== 'date') return;
      // Each keystroke of a date being typed is a change: wait for a pause, and never apply half a date.
      clearTimeout(timer);
      if (dateFilterReady(control.value, control.validity.badInput)) timer = setTimeout(apply, TYPING_PAUSE_MS);
    };
    form.addEventListener('change', onChange);
    return () => {
      clearTimeout(timer);
      form.removeEventListener('change', onChange);
    };
  }, [router]);

  return <span ref={anchor} hidden />;
}
