import type { ButtonHTMLAttributes } from 'react';

type Props = ButtonHTMLAttributes<HTMLButtonElement> & {
  pending: boolean;
  pendingLabel: string;
  variant?: 'primary' | 'secondary' | 'danger';
};

/** A button that shows progress and cannot be pressed again while its request runs. */
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
  return (
    <button
      type={type}
      className={`button button-${variant}${className ? ` ${className}` : ''}`}
      {...rest}
      disabled={pending || disabled}
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
