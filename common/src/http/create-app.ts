import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import cookieParser from 'cookie-parser';
import express, { type Express, type RequestHandler, type Router } from 'express';
import helmet from 'helmet';
import client from 'prom-client';
import type { Bus } from '../bus/bus';
import type { Pool } from '../db/pool';
import type { Logger } from '../logger';
import { errorHandler, notFoundHandler } from './error-handler';
import { BadRequestError } from './errors';
import { refuseCrossSiteWrites } from './refuse-cross-site';
import { requireJsonBody } from './require-json';
import { currentUser, type SessionVerifier } from './session';

export type HealthCheck = () => Promise<unknown>;

export interface ServiceAppOptions {
  name: string;
  logger: Logger;
  /** Who is signed in; without one (no user routes) nobody is. */
  sessions?: SessionVerifier;
  /** Mounted once the user is known: the per-user write limit. */
  writeLimit?: RequestHandler;
  /** Each must resolve when its dependency is reachable; GET /health answers 503 naming the ones that fail. */
  healthChecks: Record<string, HealthCheck>;
  /** Routes that need the raw body (webhooks) are mounted before the JSON parser. */
  rawRoutes?: Router;
  routes: Router;
  bodyLimit?: string;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** From a well-formed incoming x-request-id, else new; echoed in the answer and in its log lines. */
      id: string;
    }
  }
}

const WELL_FORMED_REQUEST_ID = /^[\w-]{1,64}$/;

/**
 * A request id, then one log line and one histogram sample per request, from one listener. pino-http did
 * the logging before; it builds a child logger per request up front, whatever the log level, and that
 * was 5% of the orders service's CPU under load (docs/performance.md). Headers (cookies included) stay
 * out of the logs.
 */
function observeRequests(name: string, logger: Logger) {
  const registry = new client.Registry();
  registry.setDefaultLabels({ service: name });
  client.collectDefaultMetrics({ register: registry });
  const duration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const middleware: RequestHandler = (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    req.id = typeof incoming === 'string' && WELL_FORMED_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', req.id);
    const started = performance.now();
    res.once('close', () => {
      const seconds = (performance.now() - started) / 1000;
      const finished = res.writableFinished;
      if (finished) {
        const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched';
        duration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      }
      if (logger.isLevelEnabled('info')) {
        logger.info(
          {
            req: { id: req.id, method: req.method, url: req.originalUrl },
            res: { statusCode: res.statusCode },
            responseTime: Math.round(seconds * 1000),
          },
          finished ? 'request completed' : 'request aborted',
        );
      }
    });
    next();
  };
  return { registry, middleware };
}

/**
 * helmet's headers for an API answer do not depend on the request: helmet computes them once, at start-up,
 * and each response gets the same list (helmet's thirteen middlewares per request, the CSP string built
 * anew each time, were 1-2% of a service's CPU under load).
 */
function securityHeaders(): RequestHandler {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: unknown) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
  };
  helmet()({} as never, recorder as never, () => undefined);
  const list = [...headers];
  return (_req, res, next) => {
    for (const [name, value] of list) res.setHeader(name, value);
    next();
  };
}

/**
 * Middlewares every request passes through, as one layer of the app: Express's router matches and
 * dispatches each layer, and the five separate layers cost more than the work inside them. A thrown
 * error or a rejected promise goes to the app's error handler, as it would from its own layer.
 */
export function inSequence(handlers: RequestHandler[]): RequestHandler {
  return (req, res, done) => {
    let index = 0;
    const next = (err?: unknown) => {
      if (err) return done(err);
      const handler = handlers[index++];
      if (!handler) return done();
      try {
        const result: unknown = handler(req, res, next);
        if (result instanceof Promise) result.catch(done);
      } catch (thrown) {
        done(thrown);
      }
    };
    next();
  };
}

/** The shape every service shares: security headers, request ids, JSON logs, health, metrics, errors. */
export function createServiceApp(options: ServiceAppOptions): Express {
  const app = express();
  const observed = observeRequests(options.name, options.logger);
  app.disable('x-powered-by');
  app.set('trust proxy', 1);
  app.set('etag', false);

  app.get('/alive', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/health', async (_req, res) => {
    const results = await Promise.all(
      Object.entries(options.healthChecks).map(async ([dependency, check]) => {
        try {
          await check();
          return [dependency, 'ok'] as const;
        } catch {
          return [dependency, 'unreachable'] as const;
        }
      }),
    );
    const healthy = results.every(([, state]) => state === 'ok');
    res
      .status(healthy ? 200 : 503)
      .json({ status: healthy ? 'ok' : 'unavailable', checks: Object.fromEntries(results) });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(observed.registry.contentType).send(await observed.registry.metrics());
  });

  app.use(
    inSequence([
      securityHeaders(),
      observed.middleware,
      refuseCrossSiteWrites,
      cookieParser(),
      currentUser(options.sessions),
    ]),
  );
  if (options.writeLimit) app.use(options.writeLimit);
  if (options.rawRoutes) app.use(options.rawRoutes);
  app.use(requireJsonBody);
  app.use(
    express.json({
      limit: options.bodyLimit ?? '16kb',
      strict: true,
      // JSON is UTF-8 (RFC 8259); the parser would silently turn invalid bytes into U+FFFD and store them.
      verify: (_req, _res, body) => {
        if (!isUtf8(body)) throw new BadRequestError('Request body is not valid UTF-8');
      },
    }),
  );
  app.use(options.routes);
  app.use(notFoundHandler);
  app.use(errorHandler(options.logger));
  return app;
}

/**
 * What the app of a service with a database, the bus and user routes other than auth's (orders, payments,
 * tickets) is built from; its own settings and collaborators come on top. In production `sessions` and
 * `writeLimit` are startUserFacing's.
 */
export interface UserFacingAppDeps {
  pool: Pool;
  bus: Pick<Bus, 'ping'>;
  logger: Logger;
  sessions: SessionVerifier;
  /** The per-user write limit (production: userWriteLimit over Redis). */
  writeLimit?: RequestHandler;
}

/** The app of such a service: its routes in the shape every service shares; /health asks its database and the bus. */
export function createUserFacingApp(
  name: string,
  { pool, bus, logger, sessions, writeLimit }: UserFacingAppDeps,
  routes: Pick<ServiceAppOptions, 'routes' | 'rawRoutes'>,
): Express {
  return createServiceApp({
    name,
    logger,
    sessions,
    writeLimit,
    healthChecks: { database: () => pool.query('SELECT 1'), bus: () => bus.ping() },
    ...routes,
  });
}
