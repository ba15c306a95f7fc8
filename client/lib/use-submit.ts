'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { splitErrors } from './errors';
import type { FieldError } from './types';

/**
 * Form submission state: `pending` while a request runs (a second submit is ignored, even a
 * double click before React re-renders), field errors for `fields`, the rest as general errors.
 * `initialErrors` are those a server action answered when the form was posted without JavaScript.
 */
export function useSubmit(fields: readonly string[], initialErrors: FieldError[] = []) {
  const running = useRef(false);
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<FieldError[]>(initialErrors);
  const formRef = useRef<HTMLFormElement>(null);

  // After a failed submit, move focus to the first invalid field, else to the error message.
  useEffect(() => {
    if (errors.length === 0 || !formRef.current) return;
    const target =
      formRef.current.querySelector<HTMLElement>('[aria-invalid="true"]') ??
      formRef.current.querySelector<HTMLElement>('[role="alert"]');
    if (target) {
      if (target.getAttribute('role') === 'alert') target.tabIndex = -1;
      target.focus();
    }
  }, [errors]);

  const run = useCallback(async (action: () => Promise<FieldError[] | void>) => {
    if (running.current) return;
    running.current = true;
    setPending(true);
    setErrors([]);
    let keepPending = false;
    try {
      const result = await action();
      if (result && result.length > 0) setErrors(result);
      else keepPending = true; // success usually navigates away: keep the button disabled meanwhile
    } finally {
      if (!keepPending) {
        running.current = false;
        setPending(false);
      }
    }
  }, []);

  /** Call after a success that stays on the page. */
  const reset = useCallback(() => {
    running.current = false;
    setPending(false);
  }, []);

  const { byField, general } = splitErrors(errors, fields);
  return { pending, run, reset, formRef, fieldErrors: byField, generalErrors: general, setErrors };
}
