'use client';

import type { ButtonHTMLAttributes } from 'react';
import { useFormStatus } from 'react-dom';

type Props = ButtonHTMLAttributes<HTMLButtonElement> & {
  pending: boolean;
  pendingLabel: string;
  variant?: 'primary' | 'secondary' | 'danger';
};

/**
 * A button that shows progress and cannot be pressed again while its request runs. Before the page is
 * hydrated (or without JavaScript) it submits the form natively, to its server action.
 */
export function SubmitButton({
  pending,
  pendingLabel,
  variant = 'primary',
  children,
  className,
  type = 'submit',
  disabled,
  ...rest
}: Props) {
  const { pending: actionPending } = useFormStatus();
  const busy = pending || actionPending;
  return (
    <button
      type={type}
      className={`button button-${variant}${className ? ` ${className}` : ''}`}
      {...rest}
      disabled={busy || disabled}
      aria-busy={busy || undefined}
    >
      {busy ? (
        <>
          <span className="spinner" aria-hidden="true" />
          {pendingLabel}
        </>
      ) : (
        children
      )}
    </button>
  );
}
