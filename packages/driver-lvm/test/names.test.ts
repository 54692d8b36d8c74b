import { hasErrorCode } from '@ebs-autoscale/core';
import { describe, expect, it } from 'vitest';
import { createLvmDriver, validateLvName, validateVgName } from '../src/index.js';

describe('LVM name validation', () => {
  it.each(['autoscale_vg', 'docker', 'docker-pool', 'a.b+c_1', 'x'.repeat(127)])('accepts %s', (name) => {
    expect(validateVgName(name)).toBe(name);
    expect(validateLvName(name)).toBe(name);
  });

  it.each([
    ['', /empty/],
    ['has space', /letters, digits/],
    ['semi;colon', /letters, digits/],
    ['-leading', /hyphen/],
    ['.', /\. or \.\./],
    ['..', /\. or \.\./],
    ['x'.repeat(128), /longer than 127/],
  ])('refuses VG name %j', (name, why) => {
    expect(() => validateVgName(name)).toThrow(why);
  });

  it.each(['snapshot1', 'pvmove0', 'data_tmeta', 'my_tdata_lv', 'x_pmspare'])('refuses reserved LV name %s', (name) => {
    expect(() => validateLvName(name)).toThrow(/reserve/);
  });

  it('refuses bad names when the driver is created, with INVALID_ARGUMENT', () => {
    let error: unknown;
    try {
      createLvmDriver({ mountPoint: '/scratch', volumeGroup: 'bad name' });
    } catch (caught) {
      error = caught;
    }
    expect(hasErrorCode(error, 'INVALID_ARGUMENT')).toBe(true);
    expect(() => createLvmDriver({ mountPoint: '/scratch', logicalVolume: 'lv_tdata' })).toThrow(/reserve/);
  });
});
