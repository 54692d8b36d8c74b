/** What the backing needs to know about a volume to give it a device. */
export interface BackingVolume {
  readonly volumeId: string;
  readonly sizeGiB: number;
}

/** Where an attached volume showed up. */
export interface MaterialisedDevice {
  /** The sandbox path, `<devRoot>/nvmeNn1`. */
  readonly device: string;
  /** The real block device behind it, e.g. `/dev/loop7`. */
  readonly loopDevice?: string;
}

/**
 * Turns EC2 attachments into (or not into) devices on this host. The simulator calls these one at a
 * time, in order, off the request path, so a slow `losetup` never delays an API answer.
 */
export interface Backing {
  readonly kind: 'memory' | 'loop';
  readonly devRoot: string | undefined;
  readonly sysRoot: string | undefined;
  /** The volume's device appears. Returns undefined when this backing has no devices. */
  attach(volume: BackingVolume): Promise<MaterialisedDevice | undefined>;
  /** The device disappears; the volume's data stays. */
  detach(volumeId: string): Promise<void>;
  /** The volume grew (ModifyVolume): the device's capacity follows. */
  resize(volume: BackingVolume): Promise<void>;
  /** The volume is deleted: its data goes. */
  remove(volumeId: string): Promise<void>;
  /** Tears down every device still present. */
  close(): Promise<void>;
}

/** The memory backing: EC2 state only, no devices. */
export function createMemoryBacking(): Backing {
  return {
    kind: 'memory',
    devRoot: undefined,
    sysRoot: undefined,
    attach: async () => undefined,
    detach: async () => {},
    resize: async () => {},
    remove: async () => {},
    close: async () => {},
  };
}
