import type { ModificationRecord, VolumeRecord } from './state.js';
import type { SimWorld } from './world.js';

/**
 * The EBS state machine. Every transition is a timer on the world's clock with a latency drawn from
 * the seeded RNG; faults decide whether a transition happens at all.
 *
 *   creating → available | error        (volumeError fault)
 *   attaching → attached → device visible (stuckAttach, deviceNeverAppears faults)
 *   detaching → available, device gone
 *   deleting → gone, data gone
 *   modifying → optimizing (new size visible) → completed
 */
export function scheduleCreate(world: SimWorld, volume: VolumeRecord): void {
  const fails = world.faults.take('volumeError', volume.id);
  world.scheduler.after(world.latency('create'), () => {
    if (volume.state === 'creating') volume.state = fails ? 'error' : 'available';
  });
}

export function scheduleAttach(world: SimWorld, volume: VolumeRecord): void {
  const attachment = volume.attachment;
  if (!attachment) return;
  // A stuck attachment stays `attaching` until detached: the EBS "stuck attaching" case.
  if (world.faults.take('stuckAttach', volume.id)) return;
  const noDevice = world.faults.take('deviceNeverAppears', volume.id);
  world.scheduler.after(world.latency('attach'), () => {
    if (volume.attachment !== attachment || attachment.state !== 'attaching') return;
    attachment.state = 'attached';
    if (noDevice) return;
    world.scheduler.after(world.latency('deviceAppear'), () => {
      if (volume.attachment !== attachment || attachment.state !== 'attached') return;
      world.enqueueBacking(volume, async () => {
        if (volume.attachment !== attachment) return;
        const device = await world.backing.attach({ volumeId: volume.id, sizeGiB: volume.sizeGiB });
        volume.device = device?.device;
        volume.loopDevice = device?.loopDevice;
      });
    });
  });
}

export function scheduleDetach(world: SimWorld, volume: VolumeRecord): void {
  const attachment = volume.attachment;
  if (!attachment) return;
  // The device goes away first (hot-unplug), then EC2 reports the volume available.
  world.enqueueBacking(volume, async () => {
    await world.backing.detach(volume.id);
    volume.device = undefined;
    volume.loopDevice = undefined;
  });
  world.scheduler.after(world.latency('detach'), () => {
    if (volume.attachment !== attachment) return;
    volume.attachment = undefined;
    if (volume.state === 'in-use') volume.state = 'available';
  });
}

export function scheduleDelete(world: SimWorld, volume: VolumeRecord): void {
  world.enqueueBacking(volume, () => world.backing.remove(volume.id));
  world.scheduler.after(world.latency('delete'), () => {
    volume.state = 'deleted';
    world.volumes.delete(volume.id);
    world.tags.delete(volume.id);
  });
}

export function scheduleModify(world: SimWorld, volume: VolumeRecord, modification: ModificationRecord): void {
  world.scheduler.after(world.latency('modify'), () => {
    modification.state = 'optimizing';
    modification.progress = 50;
    const grew = modification.targetSize > volume.sizeGiB;
    volume.sizeGiB = modification.targetSize;
    volume.volumeType = modification.targetVolumeType;
    volume.iops = modification.targetIops;
    volume.throughput = modification.targetThroughput;
    if (grew) world.enqueueBacking(volume, () => world.backing.resize({ volumeId: volume.id, sizeGiB: volume.sizeGiB }));
    world.scheduler.after(world.latency('optimize'), () => {
      modification.state = 'completed';
      modification.progress = 100;
      modification.endTime = world.now();
    });
  });
}
