import { expect } from 'vitest';
import { SoraError } from '../../../lib/sora/errors';

/** The SoraError a promise rejects with; fails the test when it resolves or rejects with anything else. */
export async function failure(p: Promise<unknown>): Promise<SoraError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SoraError);
    return e as SoraError;
  }
  throw new Error('expected the request to fail');
}
