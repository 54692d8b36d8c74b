export { Ext4StaticDriver, createExt4StaticDriver } from './ext4-static-driver.js';
export type { Ext4StaticDriverOptions } from './ext4-static-driver-options.js';
