import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { execa } from 'execa';

// Debian's busybox-static: one static binary, so a rootfs of it and its applet links runs anywhere.
const BUSYBOX = '/bin/busybox';
const APPLETS = ['sh', 'sleep', 'dd', 'true'];

/**
 * Imports a busybox rootfs with `fillerKiB` of random bytes (so each image is distinct and has a
 * size of its own) through the Engine API's `POST /images/create?fromSrc=-`, as `docker import` does.
 * Returns the image ID.
 */
export async function importImage(docker: Docker, reference: string, fillerKiB: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'reclaimer-rootfs-'));
  try {
    const root = join(dir, 'root');
    await mkdir(join(root, 'bin'), { recursive: true });
    await copyFile(BUSYBOX, join(root, 'bin', 'busybox'));
    for (const applet of APPLETS) await symlink('busybox', join(root, 'bin', applet));
    await writeFile(join(root, 'filler'), randomBytes(fillerKiB * 1024));
    const tarball = join(dir, 'rootfs.tar');
    await execa('tar', ['-C', root, '-cf', tarball, '.']);
    const [repo, tag] = reference.split(':');
    const stream = await docker.importImage(tarball, { repo, tag });
    await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (error) => (error ? reject(error) : resolve())));
    return (await docker.getImage(reference).inspect()).Id;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs a container to completion (network none), optionally writing `writeMiB` into its layer. */
export async function runToCompletion(docker: Docker, image: string, writeMiB = 0): Promise<string> {
  const cmd = writeMiB > 0 ? ['/bin/dd', 'if=/dev/zero', 'of=/written', 'bs=1M', `count=${writeMiB}`] : ['/bin/true'];
  const container = await docker.createContainer({ Image: image, Cmd: cmd, HostConfig: { NetworkMode: 'none' } });
  await container.start();
  await container.wait();
  return container.id;
}

/** Starts a container that runs until the test ends. */
export async function startRunning(docker: Docker, image: string): Promise<string> {
  const container = await docker.createContainer({ Image: image, Cmd: ['/bin/sleep', '3600'], HostConfig: { NetworkMode: 'none' } });
  await container.start();
  return container.id;
}

/** Creates a container without starting it, as ECS does before it starts a task. */
export async function createOnly(docker: Docker, image: string): Promise<string> {
  const container = await docker.createContainer({ Image: image, Cmd: ['/bin/true'], HostConfig: { NetworkMode: 'none' } });
  return container.id;
}

/** Removes every container and image, so each test starts from an empty daemon. */
export async function emptyDaemon(docker: Docker): Promise<void> {
  for (const c of await docker.listContainers({ all: true })) await docker.getContainer(c.Id).remove({ force: true });
  for (const i of await docker.listImages({ all: true }))
    await docker
      .getImage(i.Id)
      .remove({ force: true })
      .catch(() => {});
}

export async function imageIds(docker: Docker): Promise<string[]> {
  return (await docker.listImages()).map((i) => i.Id);
}

export async function containerIds(docker: Docker): Promise<string[]> {
  return (await docker.listContainers({ all: true })).map((c) => c.Id);
}
