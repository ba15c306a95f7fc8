import 'server-only';
import { cookies, headers } from 'next/headers';
import { serviceUrl, type Service } from './config';
import { parseErrors } from './errors';
import type { FieldError } from './types';

/**
 * Writes to the services on behalf of a plain HTML form (a server action; server-only, like
 * server-api.ts): the visitor's cookie and forwarding headers go along (so rate limits still count the
 * visitor's address, and the session cookie is marked Secure behind HTTPS), and a Set-Cookie from the
 * service is passed back to the browser.
 */
export type WriteResult<T> =
  { ok: true; status: number; data: T } | { ok: false; status: number; errors: FieldError[] };

const TIMEOUT_MS = 10_000;
const FORWARDED = ['cookie', 'x-forwarded-for', 'x-forwarded-proto', 'user-agent'];

export async function serverWrite<T = unknown>(
  service: Service,
  method: 'POST' | 'PUT' | 'DELETE' | 'GET',
  path: string,
  body?: unknown,
): Promise<WriteResult<T>> {
  const incoming = await headers();
  const forwarded: Record<string, string> = {};
  for (const name of FORWARDED) {
    const value = incoming.get(name);
    if (value) forwarded[name] = value;
  }
  let response: Response;
  try {
    response = await fetch(serviceUrl(service) + path, {
      method,
      headers: {
        ...forwarded,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    return {
      ok: false,
      status: 503,
      errors: [{ message: `The ${service} service is unavailable. Please try again shortly.` }],
    };
  }
  await relayCookies(response);
  const text = await response.text().catch(() => '');
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const errors = parseErrors(data, response.status, response.headers.get('retry-after'));
    return { ok: false, status: response.status, errors };
  }
  return { ok: true, status: response.status, data: data as T };
}

async function relayCookies(response: Response): Promise<void> {
  const setCookies = response.headers.getSetCookie();
  if (setCookies.length === 0) return;
  const jar = await cookies();
  for (const line of setCookies) {
    const cookie = parseSetCookie(line);
    if (cookie) jar.set(cookie);
  }
}

type CookieOptions = Parameters<Awaited<ReturnType<typeof cookies>>['set']>[0] & object;

/** "session=abc; Path=/; Expires=…; HttpOnly; SameSite=Lax" → the options `cookies().set` takes. */
export function parseSetCookie(line: string): CookieOptions | null {
  const [pair, ...attributes] = line.split(';');
  const eq = pair.indexOf('=');
  if (eq <= 0) return null;
  const cookie: CookieOptions = {
    name: pair.slice(0, eq).trim(),
    value: decodeURIComponent(pair.slice(eq + 1).trim()),
  };
  for (const attribute of attributes) {
    const [rawKey, ...rest] = attribute.split('=');
    const key = rawKey.trim().toLowerCase();
    const value = rest.join('=').trim();
    if (key === 'path') cookie.path = value;
    else if (key === 'domain') cookie.domain = value;
    else if (key === 'expires') cookie.expires = new Date(value);
    else if (key === 'max-age') cookie.maxAge = Number(value);
    else if (key === 'httponly') cookie.httpOnly = true;
    else if (key === 'secure') cookie.secure = true;
    else if (key === 'samesite') cookie.sameSite = value.toLowerCase() as 'lax' | 'strict' | 'none';
  }
  return cookie;
}
