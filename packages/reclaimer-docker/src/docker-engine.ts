/**
 * The part of the Docker Engine API this reclaimer calls, described by the fields it reads (the
 * shapes are Engine API v1.41, Debian 12's docker.io 20.10), so the rest of the package depends on
 * no client library. `connectDocker()` gives dockerode's client behind it; a test may wrap one.
 */
export interface DockerEngine {
  /** `GET /system/df`: every image and container with its size on disk, in one call. */
  df(): Promise<DockerDiskUsage>;
  getContainer(id: string): {
    /** `GET /containers/{id}/json` */
    inspect(): Promise<DockerContainerDetails>;
    /** `DELETE /containers/{id}` */
    remove(options: { v: boolean; force: boolean }): Promise<unknown>;
  };
  getImage(nameOrId: string): {
    /** `GET /images/{name}/json` */
    inspect(): Promise<DockerImageDetails>;
    /** `DELETE /images/{name}`: one entry per tag untagged and per layer deleted. */
    remove(options: { force: boolean; noprune: boolean }): Promise<DockerImageRemoval[]>;
  };
}

export interface DockerDiskUsage {
  readonly Images?:
    | readonly {
        readonly Id: string;
        readonly RepoTags?: readonly string[] | null;
        readonly Size: number;
        /** Bytes in layers other images share too; -1 when the daemon did not compute it. */
        readonly SharedSize: number;
      }[]
    | null;
  readonly Containers?:
    | readonly {
        readonly Id: string;
        readonly ImageID: string;
        /** created | running | paused | restarting | removing | exited | dead */
        readonly State: string;
        /** Bytes the container wrote into its own layer. */
        readonly SizeRw?: number;
      }[]
    | null;
}

export interface DockerContainerDetails {
  /** RFC 3339 with nanoseconds. */
  readonly Created: string;
  readonly State: { readonly Status: string; readonly FinishedAt: string };
}

export interface DockerImageDetails {
  /** RFC 3339 with nanoseconds: when the image was built (for `docker import`, imported). */
  readonly Created: string;
  /** When a tag last moved onto this image on this host (a pull, an import, a `docker tag`); Go's zero time when never. */
  readonly Metadata?: { readonly LastTagTime?: string };
}

export type DockerImageRemoval = { readonly Untagged?: string; readonly Deleted?: string };

/** The socket `DOCKER_HOST` names when it is a `unix://` address, else Docker's default one. */
export function defaultDockerSocket(env: NodeJS.ProcessEnv = process.env): string {
  const host = env.DOCKER_HOST;
  return host?.startsWith('unix://') ? host.slice('unix://'.length) : '/var/run/docker.sock';
}

/**
 * dockerode's client on a unix socket, seen through `DockerEngine`. dockerode (and its gRPC and SSH
 * dependencies) is loaded at the first call, not at import: a program that only imports this package,
 * such as the CLI for a `reserve`, loads none of it.
 */
export function connectDocker(socketPath: string = defaultDockerSocket()): DockerEngine {
  let client: Promise<DockerEngine> | undefined;
  // dockerode's published types (@types/dockerode) say `any` for df() and a number for LastTagTime;
  // the daemon sends what DockerEngine says, so the client is viewed through that instead.
  const engine = () => (client ??= import('dockerode').then(({ default: Docker }) => new Docker({ socketPath }) as unknown as DockerEngine));
  return {
    df: async () => (await engine()).df(),
    getContainer: (id) => ({
      inspect: async () => (await engine()).getContainer(id).inspect(),
      remove: async (options) => (await engine()).getContainer(id).remove(options),
    }),
    getImage: (name) => ({
      inspect: async () => (await engine()).getImage(name).inspect(),
      remove: async (options) => (await engine()).getImage(name).remove(options),
    }),
  };
}
