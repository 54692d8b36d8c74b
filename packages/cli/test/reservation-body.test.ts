import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readReservationBody } from '../src/reservations/reservation-body.js';
import { parseSize } from '../src/reservations/size-text.js';

describe('parseSize', () => {
  it('reads binary and decimal units as coreutils does', () => {
    expect(parseSize('300GiB')).toBe(300 * 2 ** 30);
    expect(parseSize('300G')).toBe(300 * 2 ** 30);
    expect(parseSize('300GB')).toBe(300e9);
    expect(parseSize('1.5TiB')).toBe(1.5 * 2 ** 40);
    expect(parseSize('512 mib')).toBe(512 * 2 ** 20);
    expect(parseSize('4096')).toBe(4096);
    for (const bad of ['', 'GiB', '-1GiB', '1PiB', '1e3', '10 apples']) expect(parseSize(bad)).toBeUndefined();
  });

  it('reads back any whole number of GiB (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 65536 }), (gib) => void expect(parseSize(`${gib}GiB`)).toBe(gib * 2 ** 30)));
  });
});

describe('readReservationBody', () => {
  it('takes size or bytes, and defaults the holder', () => {
    expect(readReservationBody({ size: '1GiB' }, { holder: 'unnamed' })).toEqual({ body: { bytes: 2 ** 30, holder: 'unnamed', wait: false } });
    expect(readReservationBody({ bytes: 5, holder: 'j', ttlMs: 10, pid: 42, wait: true }, { holder: 'x' })).toEqual({
      body: { bytes: 5, holder: 'j', ttlMs: 10, pid: 42, wait: true },
    });
  });

  it('names every problem', () => {
    const result = readReservationBody({ size: '1GiB', bytes: 3, ttl: '1h', ttlMs: 5, holder: '', wait: 'yes' }, { holder: 'x' });
    expect('problems' in result && result.problems.map((p) => p.field)).toEqual(['size', 'holder', 'ttl', 'wait']);
    expect(readReservationBody([], { holder: 'x' })).toEqual({ problems: [{ field: '', message: expect.stringMatching(/JSON object/) }] });
    expect(readReservationBody({}, { holder: 'x' })).toEqual({ problems: [{ field: 'size', message: expect.stringMatching(/is required/) }] });
  });
});
