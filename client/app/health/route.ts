// Readiness for Kubernetes: the client renders nothing without the services, but a slow or restarting
// service must not take every client pod out of rotation, so readiness is the process itself.
export const dynamic = 'force-dynamic';

export function GET() {
  return Response.json({ status: 'ok' });
}
