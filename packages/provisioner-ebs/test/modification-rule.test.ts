import fc from 'fast-check';
import { expect, it } from 'vitest';
import { MODIFICATION_RULE, ModificationHistory } from '../src/index.js';

const { windowMs, perWindow } = MODIFICATION_RULE;

it('frees a slot when the oldest of the last four known modifications is 24 hours old', () => {
  const history = new ModificationHistory();
  for (const at of [1_000, 2_000, 3_000, 4_000]) history.record('vol-1', at);
  expect(history.retryAt('vol-1', 5_000, 4_000).getTime()).toBe(1_000 + windowMs);
  history.record('vol-1', 1_000 + windowMs);
  expect(history.retryAt('vol-1', 1_000 + windowMs + 1, 1_000 + windowMs).getTime()).toBe(2_000 + windowMs);
});

it('knowing fewer than four (a restart, someone else modified it), waits the whole window after the latest start', () => {
  const history = new ModificationHistory();
  expect(history.retryAt('vol-1', 10_000, 7_000).getTime()).toBe(7_000 + windowMs);
  history.record('vol-1', 8_000);
  expect(history.retryAt('vol-1', 10_000, 7_000).getTime()).toBe(8_000 + windowMs);
  expect(history.retryAt('vol-2', 10_000, undefined).getTime()).toBe(10_000 + windowMs);
});

it('never promises a slot before the rule could free one: at retryAt at most three of the known starts are in the window', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 3 * windowMs }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: windowMs }), (gaps, after) => {
      const history = new ModificationHistory();
      const starts: number[] = [];
      let at = 0;
      for (const gap of gaps) starts.push((at += gap));
      for (const start of starts) history.record('vol-1', start);
      const now = at + after;
      const retryAt = history.retryAt('vol-1', now, at).getTime();
      const inWindow = starts.filter((start) => retryAt - start < windowMs).length;
      expect(inWindow).toBeLessThan(perWindow);
      expect(retryAt).toBeGreaterThan(at);
    }),
  );
});
