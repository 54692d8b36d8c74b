/**
 * The attribute the agent changes with `ModifyInstanceAttribute`: the DeleteOnTermination flag of its
 * own volumes' block-device mappings, so terminating the instance never leaks them.
 *
 * The value IAM puts in `ec2:Attribute` when a request names its attribute (`Attribute=blockDeviceMapping`,
 * the API's `InstanceAttributeName`). The policy compares it ignoring case, since EC2's user guide spells
 * these names capitalised (`"ec2:Attribute": "Description"` for ModifyImageAttribute).
 */
export const BLOCK_DEVICE_MAPPING_ATTRIBUTE = 'blockDeviceMapping';

/**
 * Every other member of a `ModifyInstanceAttribute` request that changes the instance: each sets one
 * attribute (mostly as a value-only `AttributeValue`, `AttributeBooleanValue` or `BlobAttributeValue`;
 * `Value` goes with the generic `Attribute` name). All members but `InstanceId`, `DryRun`, `Attribute`
 * and `BlockDeviceMappings`.
 *
 * Why a list of what is refused rather than one condition naming what is allowed: the service
 * authorization reference gives ModifyInstanceAttribute the keys `ec2:Attribute` and
 * `ec2:Attribute/${AttributeName}` (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html),
 * but EC2's user guide says `ec2:Attribute/${AttributeName}` works only for primitive values and
 * value-only objects, never for "complex objects that contain multiple properties"
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-policies-for-amazon-ec2.html#attribute-key),
 * and `BlockDeviceMappings` is a list of such objects. So no key can say "this request sets
 * DeleteOnTermination"; what IAM can see is that a request sets one of these instead, and the policy
 * refuses each of them by name (`Null: { "ec2:Attribute/UserData": "true", … }`).
 *
 * `test/iam-policy-simulator.test.ts` holds this list against the SDK's `ModifyInstanceAttributeRequest`
 * type, so a member EC2 adds fails the type check until it is placed here or declared harmless there.
 */
export const REFUSED_INSTANCE_ATTRIBUTES = [
  'DisableApiStop',
  'DisableApiTermination',
  'EbsOptimized',
  'EnaSupport',
  'EnclaveOptions',
  'Groups',
  'InstanceInitiatedShutdownBehavior',
  'InstanceType',
  'Kernel',
  'Ramdisk',
  'SourceDestCheck',
  'SriovNetSupport',
  'UserData',
  'Value',
] as const;
