// Types of run-in-vm.mjs, for the TypeScript callers (bench/src/latency/in-vm.ts).

/** Options of {@link runInVm}. */
export interface RunInVmOptions {
  /** The command, an argument vector run without a shell; `node` is the host's Node. */
  readonly command: readonly string[];
  /** Working directory in the guest (the host's path: the guest sees the host's root). Default: the checkout. */
  readonly cwd?: string | undefined;
  /** More environment variables for the command. */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** Host directory that receives what the command wrote to `$EBS_VM_OUT`. */
  readonly outDir?: string | undefined;
  /** Names the console log in `.vm-cache/logs/`. Default `vm-run`. */
  readonly label?: string | undefined;
  /** Kill the VM after this long. Default 900. */
  readonly timeoutS?: number | undefined;
  /** The command's console output, as it arrives (after the guest's init is done). */
  readonly onOutput?: ((text: string) => void) | undefined;
  /** One line about what is happening (booting, where the log is). */
  readonly onStatus?: ((line: string) => void) | undefined;
}

/** What {@link runInVm} resolves with. */
export interface RunInVmResult {
  /** The command's exit code; 124 on timeout, 125 when the VM died before the command finished. */
  readonly exitCode: number;
  /** Whether the guest's init got as far as starting the command. */
  readonly booted: boolean;
  readonly timedOut: boolean;
  /** Wall time including the boot. */
  readonly seconds: number;
  /** The timeout the run had: `options.timeoutS` or its default. */
  readonly timeoutS: number;
  /** The whole serial console. */
  readonly logFile: string;
  /** The Debian kernel package the VM booted. */
  readonly kernelPackage: string;
  /** The last console lines, when the VM did not boot or timed out. */
  readonly consoleTail?: string;
}

export const REPO: string;
export const CACHE_DIR: string;
/** The guest's path of `$EBS_VM_OUT`. */
export const GUEST_OUT: string;
export function runInVm(options: RunInVmOptions): Promise<RunInVmResult>;
/** Why the VM did not run its command to the end, with the last console lines; undefined when it did. */
export function describeFailure(result: RunInVmResult): string | undefined;

/** Thrown when the VM cannot be set up on this machine (no qemu, no kernel); the message says what to install. */
export class VmSetupError extends Error {
  readonly hint?: string;
}
