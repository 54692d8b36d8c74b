import { EbsAutoscaleError } from '@ebs-autoscale/core';

/** Where the release tarball comes from, checked before any user data is printed. */
export interface ArtifactSource {
  /** `s3` is fetched with the AWS CLI (the instance profile's credentials), the others with curl. */
  readonly scheme: 's3' | 'https' | 'http';
  readonly url: string;
  /** The tarball's file name, e.g. `ebs-autoscale-0.1.0-linux-arm64.tar.gz`. */
  readonly fileName: string;
  /** The architecture its name says, when it says one: a host of the other one refuses it by name. */
  readonly arch?: 'x64' | 'arm64';
  /**
   * The expected SHA-256, lower-case hex. Absent only for s3, whose `SHA256SUMS` beside the tarball (as
   * `pnpm release` writes it) is fetched and checked instead: an artifact is never run unchecked.
   */
  readonly sha256?: string;
}

/**
 * Parses `--artifact` and `--sha256`. https (and plain http, which only a checksum makes safe, for a
 * mirror inside the VPC) must carry `--sha256`: the user data is the only place the expected digest can
 * come from that the server cannot change.
 */
export function parseArtifactSource(url: string | undefined, sha256: string | undefined): ArtifactSource {
  if (url === undefined || url === '') {
    throw userdataError(
      '--artifact is required: the user data fetches the agent from S3 or HTTPS.',
      'Build it with `pnpm release`, upload ebs-autoscale-<version>-linux-<arch>.tar.gz and SHA256SUMS, and pass --artifact s3://bucket/key.tar.gz (or an https:// URL with --sha256).',
    );
  }
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  const refused = /[\0-\x1f\x7f\s'"\\`$]/.exec(url);
  if (refused)
    throw userdataError(
      `--artifact ${JSON.stringify(url)} contains ${JSON.stringify(refused[0])}, which no S3 key or URL the user data fetches needs.`,
      'Percent-encode it in the URL, or rename the object.',
    );
  const match = /^(s3|https|http):\/\/([^/?#]+)\/([^?#]*[^/?#])(?:[?#].*)?$/.exec(url);
  if (!match)
    throw userdataError(
      `--artifact ${JSON.stringify(url)} is not an s3://bucket/key or https://host/path URL of a file.`,
      'Pass the URL of the .tar.gz that `pnpm release` built.',
    );
  const scheme = match[1] as ArtifactSource['scheme'];
  const fileName = match[3]!.slice(match[3]!.lastIndexOf('/') + 1);
  if (!fileName.endsWith('.tar.gz') && !fileName.endsWith('.tgz'))
    throw userdataError(
      `--artifact names ${JSON.stringify(fileName)}, not a .tar.gz.`,
      'Pass the release tarball, ebs-autoscale-<version>-linux-<arch>.tar.gz.',
    );
  if (sha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(sha256))
    throw userdataError(`--sha256 ${JSON.stringify(sha256)} is not 64 hex digits.`, "Copy the tarball's line from SHA256SUMS, or run sha256sum on it.");
  if (sha256 === undefined && scheme !== 's3')
    throw userdataError(
      `--sha256 is required for an ${scheme} artifact: nothing else tells the host the file it got is the one you built.`,
      'Pass the digest from SHA256SUMS (sha256sum ebs-autoscale-*.tar.gz).',
    );
  const arch = /-linux-(x64|arm64)\.t(?:ar\.)?gz$/.exec(fileName)?.[1] as ArtifactSource['arch'];
  return { scheme, url, fileName, ...(arch ? { arch } : {}), ...(sha256 ? { sha256: sha256.toLowerCase() } : {}) };
}

export function userdataError(message: string, hint: string): EbsAutoscaleError {
  return new EbsAutoscaleError('userdata', 'INVALID_ARGUMENT', message, { hint });
}
