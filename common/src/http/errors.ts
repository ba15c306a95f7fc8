export interface ErrorItem {
  message: string;
  field?: string;
}

/** Every error a route throws; the error middleware turns it into `{ errors: [...] }` and its status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly errors: ErrorItem[],
  ) {
    super(errors.map((e) => e.message).join('; '));
    this.name = new.target.name;
  }
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

export class NotAuthorizedError extends HttpError {
  constructor(message = 'Not signed in') {
    super(401, [{ message }]);
  }
}

export class PaymentDeclinedError extends HttpError {
  constructor(message = 'Your card was declined') {
    super(402, [{ message }]);
  }
}

export class ForbiddenError extends HttpError {
  constructor(message = 'Not allowed') {
    super(403, [{ message }]);
  }
}

export class NotFoundError extends HttpError {
  constructor(message = 'Not found') {
    super(404, [{ message }]);
  }
}

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

export class TooManyRequestsError extends HttpError {
  constructor(message = 'Too many requests, try again later') {
    super(429, [{ message }]);
  }
}
