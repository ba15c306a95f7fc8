import { parseErrors } from './errors';
import type { FieldError } from './types';

/** Browser-side calls: always the same origin's /api (the gateway routes them to the services). */
export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; status: number; errors: FieldError[] };

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers:
        body === undefined
          ? { accept: 'application/json' }
          : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return { ok: false, status: 0, errors: parseErrors(null, 0) };
  }
  const text = await response.text().catch(() => '');
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const errors = parseErrors(data, response.status, response.headers.get('retry-after'));
    return { ok: false, status: response.status, errors };
  }
  return { ok: true, status: response.status, data: data as T };
}
