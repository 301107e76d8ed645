/**
 * Errors with a stable code (undici/fastify style). Codes are listed in README.md; a test checks
 * that every code used in src/ is documented there.
 */
export class KaError extends Error {
  override readonly name = 'KaError';
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Node system errors carry `code` ('EPERM', …) and sometimes `errno`. */
export function errnoCode(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    return (err as { code: string }).code;
  }
  return undefined;
}
