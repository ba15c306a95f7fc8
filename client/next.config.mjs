import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The monorepo root: npm workspaces hoist next/react there, so standalone tracing must start there.
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

/** @type {import('next').NextConfig} */
const nextConfig = {
  // A deployment builds a small image from .next/standalone (server at .next/standalone/client/server.js).
  output: 'standalone',
  outputFileTracingRoot: root,
  turbopack: { root },
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
