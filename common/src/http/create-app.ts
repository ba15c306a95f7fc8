import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import cookieParser from 'cookie-parser';
import express, { type Express, type RequestHandler, type Router } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import client from 'prom-client';
import type { Logger } from '../logger';
import { errorHandler, notFoundHandler } from './error-handler';
import { BadRequestError } from './errors';
import { refuseCrossSiteWrites } from './refuse-cross-site';
import { requireJsonBody } from './require-json';
import { currentUser } from './session';

export type HealthCheck = () => Promise<unknown>;

export interface ServiceAppOptions {
  name: string;
  logger: Logger;
  jwtKey: string;
  /** Each must resolve when its dependency is reachable; GET /health answers 503 naming the ones that fail. */
  healthChecks: Record<string, HealthCheck>;
  /** Routes that need the raw body (webhooks) are mounted before the JSON parser. */
  rawRoutes?: Router;
  routes: Router;
  bodyLimit?: string;
}

function metricsFor(name: string) {
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
    const end = duration.startTimer();
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
  return { registry, middleware };
}

/** The shape every service shares: security headers, request ids, JSON logs, health, metrics, errors. */
export function createServiceApp(options: ServiceAppOptions): Express {
  const app = express();
  const metrics = metricsFor(options.name);
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
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.use(helmet());
  app.use(
    pinoHttp({
      logger: options.logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/alive' || req.url === '/health' },
      // One short line per request: headers (cookies included) stay out of the logs.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(metrics.middleware);
  app.use(refuseCrossSiteWrites);
  app.use(cookieParser());
  app.use(currentUser(options.jwtKey));
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
