import { DriverError, type ErrorCode } from '@ebs-autoscale/core';
import { expect } from 'vitest';

/**
 * Awaits `promise`, expects it to reject with a {@link DriverError} of `code`, and returns the error.
 * Falls back to the error's `name` so a driver built against another copy of core still passes.
 */
export async function expectDriverError(promise: Promise<unknown>, code: ErrorCode): Promise<DriverError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a DriverError ${code}, but the call succeeded`).toBeDefined();
  const isDriverError = caught instanceof DriverError || (caught as { name?: unknown }).name === 'DriverError';
  expect(isDriverError, `expected a DriverError, got ${String(caught)}`).toBe(true);
  expect((caught as DriverError).code, String(caught)).toBe(code);
  return caught as DriverError;
}
