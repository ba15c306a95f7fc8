import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../logger';
import { HttpError, NotFoundError, PayloadTooLargeError, UnsupportedMediaTypeError } from './errors';

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

export const notFoundHandler: RequestHandler = () => {
  throw new NotFoundError('Route not found');
};

/** The one place that formats errors. Anything unexpected is logged and answered as a bare 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const known = err instanceof HttpError ? err : typeof err === 'object' && err ? fromBodyParser(err) : undefined;
    if (known) {
      res.status(known.status).json({ errors: known.errors });
      return;
    }
    (req.log ?? logger).error({ err }, 'unhandled error');
    res.status(500).json({ errors: [{ message: 'Something went wrong' }] });
  };
}
