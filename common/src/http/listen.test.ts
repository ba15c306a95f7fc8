import { execFileSync } from 'node:child_process';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { LISTEN_BACKLOG, listenHttp } from './listen';

const NODE_DEFAULT_KEEP_ALIVE_MS = 5_000;

/** Sends one request down the socket and resolves with the response head, or with how the socket ended. */
function ask(socket: net.Socket): Promise<string> {
  if (socket.readableEnded) return Promise.resolve('closed by the server');
  return new Promise((resolve) => {
    const done = (answer: string) => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      resolve(answer);
    };
    const onData = (chunk: Buffer) => done(chunk.toString().split('\r\n')[0]);
    const onEnd = () => done('closed by the server');
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.write('GET /ping HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
  });
}

describe('listenHttp', () => {
  it('keeps an idle keep-alive connection open longer than Node’s default, so the proxy is the side that closes it', async () => {
    const app = express();
    app.get('/ping', (_req, res) => {
      res.send('pong');
    });
    const server = await new Promise<ReturnType<typeof listenHttp>>((resolve) => {
      const s = listenHttp(app, 0, () => resolve(s));
    });
    const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
    try {
      await new Promise((resolve) => socket.once('connect', resolve));
      expect(await ask(socket)).toBe('HTTP/1.1 200 OK');
      await new Promise((resolve) => setTimeout(resolve, NODE_DEFAULT_KEEP_ALIVE_MS + 1_000));
      expect(await ask(socket)).toBe('HTTP/1.1 200 OK');
    } finally {
      socket.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 15_000);

  it('asks the kernel to queue thousands of connections, not Node’s 511, so a burst of new ones is not dropped', async () => {
    const server = await new Promise<ReturnType<typeof listenHttp>>((resolve) => {
      const s = listenHttp(express(), 0, () => resolve(s));
    });
    try {
      const { port } = server.address() as AddressInfo;
      // For a listening socket, ss shows the backlog in the Send-Q column.
      const line = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).trim();
      const backlog = Number(line.split(/\s+/)[2]);
      const cap = Number(execFileSync('cat', ['/proc/sys/net/core/somaxconn'], { encoding: 'utf8' }));
      expect(backlog).toBe(Math.min(LISTEN_BACKLOG, cap));
      expect(backlog).toBeGreaterThan(511);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
