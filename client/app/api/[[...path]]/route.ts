/**
 * An `/api` path that no service serves ends up here (everything outside the services' prefixes is routed
 * to the client): a JSON 404 in the API's error shape, never an HTML page.
 */
function notFound(): Response {
  return Response.json({ errors: [{ message: 'Not found' }] }, { status: 404 });
}

export const GET = notFound;
export const HEAD = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
export const OPTIONS = notFound;
