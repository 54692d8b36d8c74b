// IsolatedEventEmitter through eventemitter3's public methods only (issue 14, item 6): a throwing
// listener is an `error` event, and once, context and removal keep eventemitter3's meaning.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IsolatedEventEmitter } from '../src/index.js';

interface Events {
  tick: (n: number) => void;
  error: (event: { at: number; error: Error; context: string }) => void;
}

function emitter() {
  const e = new IsolatedEventEmitter<Events>(() => 42);
  const errors: { at: number; message: string; context: string }[] = [];
  e.on('error', (event) => errors.push({ at: event.at, message: event.error.message, context: event.context }));
  return { e, errors };
}

describe('IsolatedEventEmitter', () => {
  it('reports a throwing listener as an error event and still calls the listeners after it', () => {
    const { e, errors } = emitter();
    const seen: number[] = [];
    e.on('tick', () => {
      throw new Error('listener bug');
    });
    e.on('tick', (n) => seen.push(n));
    expect(e.emit('tick', 1)).toBe(true);
    expect(seen).toEqual([1]);
    expect(errors).toEqual([{ at: 42, message: 'listener bug', context: "listener of 'tick'" }]);
  });

  it('runs a once listener once, even when it throws', () => {
    const { e, errors } = emitter();
    let calls = 0;
    e.once('tick', () => {
      calls += 1;
      throw new Error('once');
    });
    e.emit('tick', 1);
    e.emit('tick', 2);
    expect(calls).toBe(1);
    expect(errors).toHaveLength(1);
    expect(e.listenerCount('tick')).toBe(0);
  });

  it("removes a listener by the function the caller passed, and lists the caller's functions", () => {
    const { e } = emitter();
    const seen: number[] = [];
    const listener = (n: number) => seen.push(n);
    e.on('tick', listener);
    expect(e.listeners('tick')).toEqual([listener]);
    e.off('tick', listener);
    e.emit('tick', 1);
    e.addListener('tick', listener);
    e.removeListener('tick', listener);
    e.emit('tick', 2);
    expect(seen).toEqual([]);
    expect(e.emit('tick', 3)).toBe(false);
  });

  it('calls a listener with the context it was registered with', () => {
    const { e } = emitter();
    const context = { hits: 0 };
    e.on(
      'tick',
      function (this: typeof context) {
        this.hits += 1;
      },
      context,
    );
    e.emit('tick', 1);
    expect(context.hits).toBe(1);
  });

  it('ignores a throwing error listener: there is nowhere left to report it', () => {
    const e = new IsolatedEventEmitter<Events>(() => 0);
    e.on('error', () => {
      throw new Error('error listener bug');
    });
    e.on('tick', () => {
      throw new Error('listener bug');
    });
    expect(() => e.emit('tick', 1)).not.toThrow();
  });

  it("reads none of eventemitter3's private state", () => {
    const source = readFileSync(join(import.meta.dirname, '..', 'src', 'events.ts'), 'utf8');
    expect(source).not.toMatch(/_events|\.prefixed/);
  });
});
