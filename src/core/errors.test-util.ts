import { expect } from 'vitest';
import { GraftError } from './errors';

/** The GraftError a promise rejects with; fails the test if it resolves or rejects with anything else. */
export async function failure(p: Promise<unknown>): Promise<GraftError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(GraftError);
  return e as GraftError;
}
