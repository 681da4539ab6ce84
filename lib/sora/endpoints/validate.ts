/** Input checks shared by the endpoint functions: bad input fails before any request is sent. */
import { SoraError } from '../errors';

/** Throws SoraError 'bad_request' (no request was sent). */
export function invalid(message: string): never {
  throw new SoraError('bad_request', message, { local: true });
}

export function requireNonEmpty(value: string, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') invalid(`${name} is empty.`);
  return value;
}

/** Checks an id before it goes into a URL path. */
export function requireId(value: string, name: string, test: (s: string) => boolean): string {
  if (typeof value !== 'string' || !test(value)) invalid(`${name} is not a valid id.`);
  return value;
}

/** Safe path segment: ids only contain these characters. */
export const isPathSafe = (s: string) => /^[A-Za-z0-9_-]+$/.test(s);
