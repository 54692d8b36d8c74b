import { parseArgs } from 'node:util';
import { batchDockerUserData } from './batch-userdata.ts';

// Prints the user data; paste it into the launch template, or base64 it for `aws ec2 create-launch-template`.
// node src/main.ts --artifact s3://bucket/ebs-autoscale-0.1.0-linux-x64.tar.gz [--os ubuntu] [-- install args]
const { values, positionals } = parseArgs({
  options: { artifact: { type: 'string' }, sha256: { type: 'string' }, os: { type: 'string' } },
  allowPositionals: true,
});
process.stdout.write(
  batchDockerUserData({
    artifact: values.artifact ?? '',
    ...(values.sha256 ? { sha256: values.sha256 } : {}),
    ...(values.os === 'ubuntu' || values.os === 'al2023' ? { os: values.os } : {}),
    installArgs: positionals,
  }),
);
