import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * The passwords that leaked-password corpora show people use most (zxcvbn-ts's list of about 49,000;
 * the 18,000 of 8 characters or more are the ones our length rule lets through). An offline stand-in for
 * a breached-password service, which this deployment cannot reach (docs/security.md, 2.1.7).
 */
const commonPasswords = new Set(dictionary['passwords-common'].filter((password) => password.length >= 8));

const isCommonPassword = (password: string): boolean => commonPasswords.has(password.toLowerCase());

const NEW_PASSWORD_LENGTH = 'Password must be between 12 and 128 characters';

/**
 * Rules for a password being set (sign-up, change); sign-in does not judge old ones, so existing
 * 8-character passwords still work. The email's local part counts only from 3 characters: a shorter one
 * would rule out most passwords.
 */
export function newPasswordProblem(password: string, email: string): string | undefined {
  if (password.length < 12 || password.length > 128) return NEW_PASSWORD_LENGTH;
  if (isCommonPassword(password)) return 'This password is one of the most common: choose one that is harder to guess';
  if (/^(.)\1*$/su.test(password)) return 'Password must not be one character repeated';
  const localPart = email.slice(0, email.lastIndexOf('@')).toLowerCase();
  if (localPart.length >= 3 && password.toLowerCase().includes(localPart)) {
    return 'Password must not contain your email address';
  }
  return undefined;
}

/**
 * The account a failed sign-in counts against (ASVS 2.2.1), whatever address it comes from. Only a
 * string names one: String() of some JSON objects ({"toString": 1}) throws.
 */
export function lockoutAccount(email: unknown): string {
  return typeof email === 'string' ? email.trim().toLowerCase() : '';
}
