import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * The passwords that leaked-password corpora show people use most (zxcvbn-ts's list of about 49,000;
 * the 18,000 of 8 characters or more are the ones our length rule lets through). An offline stand-in for
 * a breached-password service, which this deployment cannot reach (docs/security.md, 2.1.7).
 */
const commonPasswords = new Set(dictionary['passwords-common'].filter((password) => password.length >= 8));

export const isCommonPassword = (password: string): boolean => commonPasswords.has(password.toLowerCase());
