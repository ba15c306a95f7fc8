import { NextResponse, type NextRequest } from 'next/server';
import { serviceUrl, type Service } from './lib/config';

/**
 * Unknown tickets and orders answer 404 with the not-found page in the HTML. A page that calls notFound()
 * while rendering gets the 404 status but, in Next.js 16, an empty HTML shell that only JavaScript fills in
 * (vercel/next.js#62228), so a visitor without JavaScript saw a blank page. Asking the service first and
 * rewriting to a path no page serves renders the not-found page on the server. One GET by id per page view.
 */
export const config = { matcher: ['/tickets/:id', '/tickets/:id/edit', '/orders/:id', '/orders/:id/receipt'] };

const LOOKUP_TIMEOUT_MS = 3000;

function lookupFor(pathname: string): { service: Service; path: string } | null {
  const [, section, id] = pathname.split('/');
  if (section === 'tickets' && id !== 'new' && id !== 'mine') return { service: 'tickets', path: `/api/tickets/${id}` };
  if (section === 'orders') return { service: 'orders', path: `/api/orders/${id}` };
  return null;
}

export async function proxy(request: NextRequest) {
  if (request.method !== 'GET' && request.method !== 'HEAD') return NextResponse.next();
  const lookup = lookupFor(request.nextUrl.pathname);
  if (!lookup) return NextResponse.next();
  const cookie = request.headers.get('cookie');
  const status = await fetch(serviceUrl(lookup.service) + lookup.path, {
    headers: { accept: 'application/json', ...(cookie ? { cookie } : {}) },
    cache: 'no-store',
    signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS),
  }).then(
    async (response) => {
      await response.body?.cancel();
      return response.status;
    },
    () => 0, // the page reports the outage itself
  );
  if (status !== 404) return NextResponse.next();
  return NextResponse.rewrite(new URL('/_not-found', request.url), { status: 404 });
}
