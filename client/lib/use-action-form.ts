'use client';

import { useActionState, type FormEvent } from 'react';
import type { FormState } from './form-state';
import type { FieldError } from './types';
import { useFieldValues } from './use-field-values';
import { useSubmit } from './use-submit';

/**
 * A form that works both ways: without JavaScript it posts to `action` (a server action, which answers
 * a refusal with the errors and what was typed); with JavaScript `submit` sends the values itself and
 * answers errors, or navigates. `initial` gets what was typed before a refused post, if any.
 * Returns the props for FormCard, the props for each field's Field, and the submission state.
 */
export function useActionForm<F extends string>(options: {
  action: (previous: FormState, form: FormData) => Promise<FormState>;
  fields: readonly F[];
  initial: (typed: Partial<Record<F, string>> | undefined) => Record<F, string>;
  submit: (values: Record<F, string>) => Promise<FieldError[] | void>;
}) {
  const [state, formAction] = useActionState(options.action, null);
  const { values, bind } = useFieldValues(options.initial(state?.values as Partial<Record<F, string>> | undefined));
  const { pending, run, formRef, fieldErrors, generalErrors } = useSubmit(options.fields, state?.errors);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void run(() => options.submit(values));
  }

  return {
    form: { formRef, action: formAction, onSubmit, generalErrors },
    field: (name: F) => ({ ...bind(name), error: fieldErrors[name] as string | undefined }),
    values,
    pending,
  };
}
