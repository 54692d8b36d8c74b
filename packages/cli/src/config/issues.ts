import { EbsAutoscaleError } from '@ebs-autoscale/core';

/** One thing wrong with a configuration file: where, and what was expected instead. */
export interface ConfigIssue {
  /** Dotted path of the field, e.g. `volume.iops`; empty for the file as a whole. */
  readonly path: string;
  /** What is wrong, e.g. `expected an integer from 3000 to 80000 for gp3, got "fast"`. */
  readonly message: string;
}

/**
 * A configuration that cannot be used. Carries every issue found, not just the first, so an operator
 * fixes a file in one pass.
 */
export class ConfigError extends EbsAutoscaleError {
  override readonly name: string = 'ConfigError';
  readonly issues: readonly ConfigIssue[];
  /** The file the configuration came from, when it came from one. */
  readonly file: string | undefined;

  constructor(issues: readonly ConfigIssue[], file?: string) {
    const where = file ? ` in ${file}` : '';
    const lines = issues.map((issue) => `  - ${formatIssue(issue)}`).join('\n');
    super('config', 'INVALID_ARGUMENT', `${issues.length} problem${issues.length === 1 ? '' : 's'}${where}:\n${lines}\n`, {
      hint: 'Fix the fields above; `ebs-autoscale config <file>` re-checks without starting the agent.',
    });
    this.issues = issues;
    this.file = file;
  }
}

/** `path: message`, or the message alone for the file as a whole. */
export function formatIssue(issue: ConfigIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

/** Shows a value the way it was written in JSON, shortened so a message stays on one line. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Collects issues while a file is read, so that every one is reported together. */
export class IssueList {
  readonly items: ConfigIssue[] = [];

  add(path: string, message: string): void {
    this.items.push({ path, message });
  }

  /** `expected <expected>, got <value>`. */
  expected(path: string, expected: string, got: unknown): void {
    this.add(path, `expected ${expected}, got ${describeValue(got)}`);
  }

  /** Throws a {@link ConfigError} when anything was collected. */
  throwIfAny(file?: string): void {
    if (this.items.length > 0) throw new ConfigError(this.items, file);
  }
}
