import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The monorepo root: npm workspaces hoist next/react there, so standalone tracing must start there.
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

// Next.js inlines its bootstrap scripts, so script-src keeps 'unsafe-inline' (a nonce-based policy would
// make every page dynamic); framing, plugins, base URLs and form targets are locked down, and only
// Stripe's script and frames are allowed from elsewhere.
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline' https://js.stripe.com https://*.js.stripe.com",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self' https://api.stripe.com",
  'frame-src https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com',
  "frame-ancestors 'none'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

const securityHeaders = [
  { key: 'Content-Security-Policy', value: contentSecurityPolicy },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // A deployment builds a small image from .next/standalone (server at .next/standalone/client/server.js).
  output: 'standalone',
  outputFileTracingRoot: root,
  turbopack: { root },
  poweredByHeader: false,
  reactStrictMode: true,
  async headers() {
    return [
      { source: '/:path*', headers: securityHeaders },
      // The reset link's token is in this page's URL: a Referer from it names the origin alone. Not
      // no-referrer, which also blanks the Origin of the form's own POST, and Next.js refuses the action.
      { source: '/auth/reset-password', headers: [{ key: 'Referrer-Policy', value: 'strict-origin' }] },
    ];
  },
};

export default nextConfig;
