import { expectTypeOf, test } from 'vitest';
import { createEbsProvisioner, type Ec2Action, type Ec2CallError } from '../src/index.js';

test('event payloads are inferred from the event map', () => {
  const provisioner = createEbsProvisioner({ mountPoint: '/scratch' });
  provisioner.on('ec2:call', (event) => {
    expectTypeOf(event.action).toEqualTypeOf<Ec2Action>();
    expectTypeOf(event.attempt).toEqualTypeOf<number>();
    expectTypeOf(event.error).toEqualTypeOf<Ec2CallError | undefined>();
  });
  provisioner.on('ec2:retry', (event) => {
    expectTypeOf(event.delayMs).toEqualTypeOf<number>();
    expectTypeOf(event.error).toEqualTypeOf<Ec2CallError>();
  });
  provisioner.on('volume:deleted', (event) => {
    expectTypeOf(event.reason).toEqualTypeOf<'released' | 'cleanup' | 'orphan'>();
  });
  // @ts-expect-error an unknown event name is refused
  provisioner.on('volume:exploded', () => undefined);
});
