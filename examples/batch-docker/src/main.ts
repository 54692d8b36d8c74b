import { batchDockerUserData } from './batch-userdata.ts';

// Prints the user data; paste it into the launch template, or base64 it for `aws ec2 create-launch-template`.
process.stdout.write(batchDockerUserData({ installArgs: process.argv.slice(2) }));
