import { describe, expect, it } from 'vitest';
import { candidateDeviceNames, deviceSlot, pickDeviceName } from '../src/device-names.js';

describe('device name selection', () => {
  it('starts at /dev/xvdba and runs upward through /dev/xvdcz', () => {
    const names = candidateDeviceNames();
    expect(names[0]).toBe('/dev/xvdba');
    expect(names[1]).toBe('/dev/xvdbb');
    expect(names.at(-1)).toBe('/dev/xvdcz');
    expect(names).toHaveLength(52);
  });

  it('treats sd and xvd names, with or without /dev/ and partitions, as one slot', () => {
    expect(deviceSlot('/dev/sdba')).toBe('ba');
    expect(deviceSlot('xvdba')).toBe('ba');
    expect(deviceSlot('/dev/xvda1')).toBe('a');
    expect(deviceSlot('sda1')).toBe('a');
  });

  it('skips every name in the block-device mappings, in either alias', () => {
    const picked = pickDeviceName({ taken: ['/dev/xvda', '/dev/sdba', 'xvdbb'], existingNodes: [], recentlyFailed: [] });
    expect(picked).toBe('/dev/xvdbc');
  });

  it('skips every name that exists as a node under the dev root', () => {
    const picked = pickDeviceName({ taken: [], existingNodes: ['xvdba', 'sdbb', 'nvme0n1', 'loop3'], recentlyFailed: [] });
    expect(picked).toBe('/dev/xvdbc');
  });

  it('moves a name that just failed as "in use" to the back of the list', () => {
    expect(pickDeviceName({ taken: [], existingNodes: [], recentlyFailed: ['/dev/xvdba'] })).toBe('/dev/xvdbb');
    expect(pickDeviceName({ taken: [], existingNodes: [], recentlyFailed: ['/dev/xvdba', '/dev/xvdbb'] })).toBe('/dev/xvdbc');
  });

  it('tries failed names again, oldest first, once every other name is taken', () => {
    const others = candidateDeviceNames().filter((name) => name !== '/dev/xvdba' && name !== '/dev/xvdbb');
    expect(pickDeviceName({ taken: others, existingNodes: [], recentlyFailed: ['/dev/xvdbb', '/dev/xvdba'] })).toBe('/dev/xvdbb');
  });

  it('returns undefined when every name is taken', () => {
    expect(pickDeviceName({ taken: candidateDeviceNames(), existingNodes: [], recentlyFailed: [] })).toBeUndefined();
  });
});
