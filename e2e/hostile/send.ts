import http from 'node:http';
import net from 'node:net';

/** One hostile request and the statuses that are a correct answer to it. */
export interface HostileCase {
  /** Says what is being tried, for the failure list. */
  name: string;
  method: string;
  /** Sent byte for byte (no URL normalisation), so `..`, `%00` and bad escapes reach the gateway. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Send the body with Transfer-Encoding: chunked instead of a Content-Length. */
  chunked?: boolean;
  /** The statuses that are right; a 2xx is listed only where the input is actually acceptable. */
  expected: readonly number[];
  /** Further checks on a 2xx body; returns what is wrong, if anything. */
  check?: (body: any) => string | undefined;
}

export interface HostileAnswer {
  status: number;
  contentType?: string;
  text: string;
  /** A network error before any answer (status 0). */
  error?: string;
}

export function send(base: string, agent: http.Agent, c: HostileCase): Promise<HostileAnswer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve) => {
    let done = false;
    const finish = (answer: HostileAnswer) => {
      if (done) return;
      done = true;
      resolve(answer);
    };
    const body = c.body === undefined ? undefined : Buffer.from(c.body);
    const headers: Record<string, string> = { ...c.headers };
    if (body && !c.chunked) headers['content-length'] = String(body.length);
    if (body && c.chunked) headers['transfer-encoding'] = 'chunked';
    const req = http.request({ host: hostname, port, method: c.method, path: c.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        finish({
          status: res.statusCode ?? 0,
          contentType: res.headers['content-type'],
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', (err) => finish({ status: res.statusCode ?? 0, text: '', error: err.message }));
    });
    req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
    // A server may answer 413 and close before it has read all we write: the answer is what counts.
    req.on('error', (err) => finish({ status: 0, text: '', error: err.message }));
    if (body && c.chunked) {
      for (let i = 0; i < body.length; i += 4096) req.write(body.subarray(i, i + 4096));
      req.end();
    } else {
      req.end(body);
    }
  });
}

/** Runs every case with at most `concurrency` in flight; answers come back in the cases' order. */
export async function sendAll(base: string, cases: HostileCase[], concurrency: number): Promise<HostileAnswer[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const answers: HostileAnswer[] = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const index = next++;
      answers[index] = await send(base, agent, cases[index]);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return answers;
}

/** DESIGN.md's error shape, exactly: `{ errors: [{ message, field? }] }`, and no stack trace. */
export function errorShapeProblem(answer: HostileAnswer): string | undefined {
  if (!answer.contentType?.startsWith('application/json')) return `content-type ${answer.contentType ?? 'missing'}`;
  let body: any;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return `body is not JSON: ${answer.text.slice(0, 80)}`;
  }
  const ok =
    typeof body === 'object' &&
    body !== null &&
    Object.keys(body).join() === 'errors' &&
    Array.isArray(body.errors) &&
    body.errors.length > 0 &&
    body.errors.every(
      (e: any) =>
        typeof e === 'object' &&
        e !== null &&
        typeof e.message === 'string' &&
        e.message.length > 0 &&
        !/\n\s+at /.test(e.message) &&
        Object.keys(e).every((k) => k === 'message' || k === 'field') &&
        (e.field === undefined || typeof e.field === 'string'),
    );
  return ok ? undefined : `not the error shape: ${answer.text.slice(0, 120)}`;
}

/** What is wrong with an answer to a case, if anything. */
export function judge(c: HostileCase, answer: HostileAnswer): string | undefined {
  if (answer.status === 0) return `no answer: ${answer.error}`;
  if (answer.status >= 500) return `${answer.status} ${answer.text.slice(0, 120)}`;
  if (!c.expected.includes(answer.status)) {
    return `expected ${c.expected.join('/')}, got ${answer.status} ${answer.text.slice(0, 120)}`;
  }
  if (answer.status >= 400) return errorShapeProblem(answer);
  if (c.check) return c.check(answer.text ? JSON.parse(answer.text) : undefined);
  return undefined;
}

/**
 * A client that writes `head` at once, then the rest of its request a few bytes at a time, every
 * `everyMs`, and reads until the server answers or closes. Resolves with the raw response ('' if none).
 */
export function trickle(
  base: string,
  head: string,
  request: Buffer,
  options: { bytesPerWrite: number; everyMs: number; stopAfterBytes?: number },
): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    socket.write(head);
    const received: Buffer[] = [];
    let offset = 0;
    const limit = Math.min(options.stopAfterBytes ?? request.length, request.length);
    const timer = setInterval(() => {
      if (offset >= limit || socket.destroyed) {
        clearInterval(timer);
        // A client that gives up half way closes its side; the server must cope.
        if (options.stopAfterBytes !== undefined) socket.end();
        return;
      }
      socket.write(request.subarray(offset, offset + options.bytesPerWrite));
      offset += options.bytesPerWrite;
    }, options.everyMs);
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      // One answer is all we wait for; keep-alive would hold the socket open.
      if (/\r\n\r\n/.test(Buffer.concat(received).toString('latin1'))) {
        const text = Buffer.concat(received).toString('utf8');
        const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? 0);
        if (Buffer.byteLength(text.split('\r\n\r\n').slice(1).join('\r\n\r\n')) >= length) socket.destroy();
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      clearInterval(timer);
      resolve(Buffer.concat(received).toString('utf8'));
    });
    socket.setTimeout(15_000, () => socket.destroy());
  });
}

/** The status line's code of a raw HTTP response, 0 when there is none. */
export const rawStatus = (response: string): number => Number(/^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1] ?? 0);

/** The body of a raw HTTP response (not chunked: our servers send a Content-Length for errors). */
export const rawBody = (response: string): string => response.split('\r\n\r\n').slice(1).join('\r\n\r\n');
