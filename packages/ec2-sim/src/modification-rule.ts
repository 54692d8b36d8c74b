/**
 * How often one volume may be modified. `4-per-24h` is the rule of the current ModifyVolume reference:
 * wait until a modification is `completed` before the next, and at most four modifications of one
 * volume within a rolling 24 hours (docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVolume.html).
 * `6h-cooldown` is the rule it replaced ("Wait at least 6 hours between modifications per EBS volume"),
 * kept for tests of clients written against it. Under both, a modification still modifying or
 * optimizing refuses the next one.
 */
export type VolumeModificationRule = '6h-cooldown' | '4-per-24h';
