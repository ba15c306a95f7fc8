/**
 * A safe in-app path to return to after signing in (never another origin). Browsers drop tabs and
 * line breaks anywhere in a URL and read "\" as "/", so "/\t/evil.example" or "/\\evil.example" would
 * leave the site: a path with a backslash or a control character is refused, like "//".
 */
export function safeNext(next: string | null | undefined, fallback = '/'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || /[\\\p{Cc}]/u.test(next)) return fallback;
  return next;
}

export function signInPath(next: string): string {
  return `/auth/signin?next=${encodeURIComponent(next)}`;
}
