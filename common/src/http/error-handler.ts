import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isDependencyUnreachable } from '../db/unreachable';
import type { Logger } from '../logger';
import {
  HttpError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  UnsupportedMediaTypeError,
} from './errors';

/** Errors raised by body-parser carry a `type`; map the ones a client can cause. */
function fromBodyParser(err: { type?: string; status?: number }): HttpError | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return new PayloadTooLargeError();
    case 'entity.parse.failed':
      return new HttpError(400, [{ message: 'Request body is not valid JSON' }]);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new UnsupportedMediaTypeError();
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new HttpError(400, [{ message: 'Request body could not be read' }]);
    default:
      return undefined;
  }
}

/**
 * Express's own client errors carry a 4xx status but no type: a path segment that is not valid
 * percent-encoding (a malformed id, so 404) or a body that does not inflate (bad gzip).
 */
function fromExpress(err: { status?: number }): HttpError | undefined {
  if (err instanceof URIError) return new NotFoundError();
  if (typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
    return new HttpError(400, [{ message: 'Request could not be read' }]);
  }
  return undefined;
}

/** What a 503 for an outage asks the client to wait before trying again. */
const RETRY_AFTER_SECONDS = 5;

export const notFoundHandler: RequestHandler = () => {
  throw new NotFoundError('Route not found');
};

/** The one place that formats errors. Anything unexpected is logged and answered as a bare 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const known =
      err instanceof HttpError
        ? err
        : typeof err === 'object' && err
          ? (fromBodyParser(err) ?? fromExpress(err))
          : undefined;
    if (known) {
      res.status(known.status).json({ errors: known.errors });
      return;
    }
    // A dependency that cannot be reached is an outage the client may wait out: a 503, not a 500 that
    // reads as a bug.
    if (isDependencyUnreachable(err)) {
      const outage = new ServiceUnavailableError();
      logger.warn({ err, reqId: req.id }, 'a dependency is unreachable: answered 503');
      res.status(outage.status).set('Retry-After', String(RETRY_AFTER_SECONDS)).json({ errors: outage.errors });
      return;
    }
    logger.error({ err, reqId: req.id }, 'unhandled error');
    res.status(500).json({ errors: [{ message: 'Something went wrong' }] });
  };
}
