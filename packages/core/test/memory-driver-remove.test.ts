// The in-memory driver's opt-in removeDevice(): btrfs `device remove`'s refusals, and holdsDevice()
// answering false once a device left, so the release guard can let its volume go.
import { describe, expect, it } from 'vitest';
import { GIB, hasErrorCode } from '../src/index.js';
import { InMemoryDriver, MemoryHost } from '../src/testing.js';

function shrinkable(initialGiB = 10) {
  const host = new MemoryHost();
  const driver = new InMemoryDriver({ host, initialBytes: initialGiB * GIB, methods: { removeDevice: true } });
  return { host, driver };
}

async function refusal(run: () => Promise<void>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

describe('InMemoryDriver.removeDevice', () => {
  it('is absent unless asked for', () => {
    expect(new InMemoryDriver({ host: new MemoryHost(), initialBytes: GIB }).removeDevice).toBeUndefined();
  });

  it('takes an added device out: the total drops and holdsDevice() answers false', async () => {
    const { host, driver } = shrinkable();
    const added = host.attach(20 * GIB);
    await driver.extend!(added);
    driver.write(5 * GIB);
    await driver.removeDevice!(added);
    const usage = await driver.usage();
    expect(usage.totalBytes).toBe(10 * GIB);
    expect(usage.usedBytes).toBe(5 * GIB);
    expect(await driver.holdsDevice(added)).toBe(false);
    expect(await driver.devices()).toEqual([(await driver.devices())[0]]);
  });

  it('refuses, changing nothing, when the others cannot hold the used bytes (ENOSPC)', async () => {
    const { host, driver } = shrinkable();
    const added = host.attach(20 * GIB);
    await driver.extend!(added);
    driver.write(10 * GIB + 1);
    const error = await refusal(() => driver.removeDevice!(added));
    expect(hasErrorCode(error, 'LIMIT_REACHED')).toBe(true);
    expect(await driver.holdsDevice(added)).toBe(true);
    expect((await driver.usage()).totalBytes).toBe(30 * GIB);
  });

  it('removes a device whose removal leaves exactly the used bytes', async () => {
    const { host, driver } = shrinkable();
    const added = host.attach(20 * GIB);
    await driver.extend!(added);
    driver.write(10 * GIB);
    await driver.removeDevice!(added);
    expect((await driver.usage()).availableBytes).toBe(0);
  });

  it('never removes the initial device, nor a non-member', async () => {
    const { host, driver } = shrinkable();
    const [initial] = await driver.devices();
    await driver.extend!(host.attach(GIB));
    expect(hasErrorCode(await refusal(() => driver.removeDevice!(initial!)), 'INVALID_ARGUMENT')).toBe(true);
    expect(await driver.holdsDevice(initial!)).toBe(true);
    expect(hasErrorCode(await refusal(() => driver.removeDevice!(host.attach(GIB))), 'DEVICE_NOT_FOUND')).toBe(true);
  });

  it('a cancelled removal leaves the device a member', async () => {
    const { host, driver } = shrinkable();
    const added = host.attach(GIB);
    await driver.extend!(added);
    const controller = new AbortController();
    controller.abort();
    expect(hasErrorCode(await refusal(() => driver.removeDevice!(added, { signal: controller.signal })), 'ABORTED')).toBe(true);
    expect(await driver.holdsDevice(added)).toBe(true);
  });
});
