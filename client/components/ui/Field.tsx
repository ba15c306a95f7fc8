'use client';

import { useState, type InputHTMLAttributes } from 'react';
import { useHydrated } from '@/lib/use-hydrated';

type Props = InputHTMLAttributes<HTMLInputElement> & {
  name: string;
  label: string;
  error?: string;
  hint?: string;
  /** Shows "n / maxLength" characters under the input. */
  counter?: boolean;
};

/**
 * A labelled input with its hint and error tied to it for screen readers. A password field has a
 * Show/Hide toggle, so a long password can be checked before it is sent; the toggle needs JavaScript, so
 * it appears once the page is hydrated and never as a dead button.
 */
export function Field({ name, label, error, hint, counter, id, type, ...input }: Props) {
  const [revealed, setRevealed] = useState(false);
  const hydrated = useHydrated();
  const inputId = id ?? `field-${name}`;
  const hintId = hint ? `${inputId}-hint` : undefined;
  const errorId = error ? `${inputId}-error` : undefined;
  const counterId = counter ? `${inputId}-count` : undefined;
  const describedBy = [hintId, counterId, errorId].filter(Boolean).join(' ') || undefined;
  const password = type === 'password';
  const field = (
    <input
      id={inputId}
      name={name}
      type={password && revealed ? 'text' : type}
      aria-invalid={error ? true : undefined}
      aria-describedby={describedBy}
      {...input}
    />
  );
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      {password ? (
        <div className="field-row">
          {field}
          {hydrated && (
            <button
              type="button"
              className="button button-secondary"
              aria-controls={inputId}
              aria-pressed={revealed}
              data-testid={`reveal-${name}`}
              onClick={() => setRevealed((shown) => !shown)}
            >
              {revealed ? 'Hide' : 'Show'}
            </button>
          )}
        </div>
      ) : (
        field
      )}
      {counter && (
        <p id={counterId} className="field-counter" data-testid={`count-${name}`}>
          {String(input.value ?? '').length} / {input.maxLength} characters
        </p>
      )}
      {error && (
        <p id={errorId} className="field-error" data-testid={`error-${name}`}>
          {error}
        </p>
      )}
    </div>
  );
}
