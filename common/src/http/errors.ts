export interface ErrorItem {
  message: string;
  field?: string;
}

/**
 * Every error a route throws; the error middleware turns it into `{ errors: [...] }` and its status. It is
 * an answer, not a fault, so it carries no stack trace: capturing one through Express's call stack was
 * 4% of a service's CPU when an on-sale answers thousands of 409s a second (docs/performance.md).
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly errors: ErrorItem[],
  ) {
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(errors.map((e) => e.message).join('; '));
    Error.stackTraceLimit = stackTraceLimit;
    this.name = new.target.name;
  }
}

/** An HttpError class for one status, with one message (`defaultMessage` unless the route gives its own). */
function statusError(status: number, defaultMessage: string) {
  return class extends HttpError {
    constructor(message = defaultMessage) {
      super(status, [{ message }]);
    }
  };
}

export class BadRequestError extends HttpError {
  constructor(message: string, field?: string) {
    super(400, [field ? { message, field } : { message }]);
  }
}

export class RequestValidationError extends HttpError {
  constructor(errors: ErrorItem[]) {
    super(400, errors);
  }
}

export class NotAuthorizedError extends statusError(401, 'Not signed in') {}

export class PaymentDeclinedError extends statusError(402, 'Your card was declined') {}

export class ForbiddenError extends statusError(403, 'Not allowed') {}

export class NotFoundError extends statusError(404, 'Not found') {}

/** A dependency this request needs cannot be reached right now; the client may try again shortly. */
export class ServiceUnavailableError extends statusError(503, 'Service unavailable, try again shortly') {}

export class ConflictError extends HttpError {
  constructor(message: string) {
    super(409, [{ message }]);
  }
}

export class PayloadTooLargeError extends HttpError {
  constructor() {
    super(413, [{ message: 'Request body is too large' }]);
  }
}

export class UnsupportedMediaTypeError extends HttpError {
  constructor() {
    super(415, [{ message: 'Request body must be JSON (Content-Type: application/json)' }]);
  }
}

export class TooManyRequestsError extends statusError(429, 'Too many requests, try again later') {}
