'use client';

import type { ButtonHTMLAttributes } from 'react';
import { useHydrated } from '@/lib/use-hydrated';

type Props = ButtonHTMLAttributes<HTMLButtonElement> & {
  pending: boolean;
  pendingLabel: string;
  variant?: 'primary' | 'secondary' | 'danger';
};

/**
 * A button that shows progress and cannot be pressed again while its request runs. It stays disabled
 * until the page is hydrated, so a click cannot fall through to a native form submission.
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
  const hydrated = useHydrated();
  return (
    <button
      type={type}
      className={`button button-${variant}${className ? ` ${className}` : ''}`}
      {...rest}
      disabled={!hydrated || pending || disabled}
      aria-busy={pending || undefined}
    >
      {pending ? (
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
