import 'server-only';

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'INVALID_INPUT'
  | 'CONFLICT'
  /** the case is claimed by another radiologist: a save needs an explicit take-over */
  | 'CLAIMED'
  | 'UNSUPPORTED_MEDIA'
  | 'TOO_LARGE'
  | 'UNAVAILABLE'
  | 'INTERNAL';

const HTTP_STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INVALID_INPUT: 400,
  CONFLICT: 409,
  CLAIMED: 409,
  UNSUPPORTED_MEDIA: 415,
  TOO_LARGE: 413,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** An expected failure with a message fit to show the user. Anything else is a bug and is logged, not shown. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly userMessage: string,
    readonly details: { fieldErrors?: Record<string, string[]>; status?: number; retryAfterS?: number } = {},
  ) {
    super(userMessage);
    this.name = 'AppError';
  }

  get status(): number {
    return this.details.status ?? HTTP_STATUS[this.code];
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
