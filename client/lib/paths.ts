/** A safe in-app path to return to after signing in (never another origin). */
export function safeNext(next: string | null | undefined, fallback = '/'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  return next;
}

export function signInPath(next: string): string {
  return `/auth/signin?next=${encodeURIComponent(next)}`;
}
