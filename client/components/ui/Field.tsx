'use client';

import { useState, type InputHTMLAttributes } from 'react';

type Props = InputHTMLAttributes<HTMLInputElement> & {
  name: string;
  label: string;
  error?: string;
  hint?: string;
};

/**
 * A labelled input with its hint and error tied to it for screen readers. A password field has a
 * Show/Hide toggle, so a long password can be checked before it is sent.
 */
export function Field({ name, label, error, hint, id, type, ...input }: Props) {
  const [revealed, setRevealed] = useState(false);
  const inputId = id ?? `field-${name}`;
  const hintId = hint ? `${inputId}-hint` : undefined;
  const errorId = error ? `${inputId}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
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
        </div>
      ) : (
        field
      )}
      {error && (
        <p id={errorId} className="field-error" data-testid={`error-${name}`}>
          {error}
        </p>
      )}
    </div>
  );
}
