// Production entry of the client image: runs Next's standalone server.js, but on SIGTERM/SIGINT stops
// taking connections, lets in-flight requests finish and exits 0. Next's own handler drains too but
// then exits 143, which Kubernetes and podman report as a failure.
'use strict';
const http = require('node:http');
const path = require('node:path');

const DRAIN_TIMEOUT_MS = Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 15_000);
const servers = [];
const createServer = http.createServer;
http.createServer = (...args) => {
  const server = createServer(...args);
  servers.push(server);
  return server;
};

let stopping = false;
function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(JSON.stringify({ level: 'info', time: Date.now(), name: 'client', signal, msg: 'shutting down' }));
  setTimeout(() => {
    console.error(JSON.stringify({ level: 'error', time: Date.now(), name: 'client', msg: 'shutdown timed out' }));
    process.exit(1);
  }, DRAIN_TIMEOUT_MS).unref();
  const closing = servers.map(
    (server) =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  );
  void Promise.all(closing).then(() => process.exit(0));
}

process.env.NEXT_MANUAL_SIG_HANDLE = 'true';
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));
require(path.join(__dirname, 'server.js'));
