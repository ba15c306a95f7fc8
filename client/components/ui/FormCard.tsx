import type { FormEvent, ReactNode, RefObject } from 'react';
import { FormAlert } from './FormAlert';

/** The card every form sits in: posts to its server action, or to onSubmit with JavaScript; errors first. */
export function FormCard({
  form,
  testId,
  children,
}: {
  form: {
    formRef: RefObject<HTMLFormElement | null>;
    action: (payload: FormData) => void;
    onSubmit: (event: FormEvent<HTMLFormElement>) => void;
    generalErrors: string[];
  };
  testId: string;
  children: ReactNode;
}) {
  return (
    <form
      ref={form.formRef}
      action={form.action}
      className="form card"
      onSubmit={form.onSubmit}
      noValidate
      data-testid={testId}
    >
      <FormAlert messages={form.generalErrors} />
      {children}
    </form>
  );
}
