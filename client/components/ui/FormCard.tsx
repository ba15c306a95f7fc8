import type { FormEvent, ReactNode, RefObject } from 'react';
import { FormAlert } from './FormAlert';

/**
 * The card every form sits in: posts to its server action, or to onSubmit with JavaScript; errors first.
 * The server judges every field and the form shows its answers, unless `validate` lets the browser refuse
 * what the fields' own constraints (required, type, minLength) already rule out, with or without
 * JavaScript: the auth forms, whose posts count against a per-address rate limit.
 */
export function FormCard({
  form,
  testId,
  validate = false,
  children,
}: {
  form: {
    formRef: RefObject<HTMLFormElement | null>;
    action: (payload: FormData) => void;
    onSubmit: (event: FormEvent<HTMLFormElement>) => void;
    generalErrors: string[];
  };
  testId: string;
  validate?: boolean;
  children: ReactNode;
}) {
  return (
    <form
      ref={form.formRef}
      action={form.action}
      className="form card"
      onSubmit={form.onSubmit}
      noValidate={!validate}
      data-testid={testId}
    >
      <FormAlert messages={form.generalErrors} />
      {children}
    </form>
  );
}
