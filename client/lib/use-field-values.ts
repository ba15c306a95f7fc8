'use client';

import { useState, type ChangeEvent } from 'react';

/** The values of a form's text fields, and the props that tie an input to one of them. */
export function useFieldValues<F extends string>(initial: Record<F, string>) {
  const [values, setValues] = useState(initial);
  const bind = (name: F) => ({
    name,
    value: values[name],
    onChange: (event: ChangeEvent<HTMLInputElement>) =>
      setValues((current) => ({ ...current, [name]: event.target.value })),
  });
  return { values, bind };
}
