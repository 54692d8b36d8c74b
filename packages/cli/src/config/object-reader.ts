import type { IssueList } from './issues.js';
import { pathProblem } from './mount-point.js';

/** How a number is read. */
export interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
  /** Added to the message, e.g. `for gp3`. */
  context?: string;
  /**
   * Accept numbers written as strings (`"150"`). amazon-ebs-autoscale's install.sh fills its template
   * with sed, so most of its numbers are JSON strings; our own format wants real numbers.
   */
  acceptStrings?: boolean;
}

/**
 * Reads one JSON object field by field, recording an issue for each field that is missing or wrong,
 * and, at `finish()`, one for each key that nothing read: a misspelt key is an error, never silently
 * ignored. Hand-written rather than a schema library because the messages are the product (they name
 * the range for the chosen volume type, the install.sh placeholder left unfilled), and a schema
 * library would need a custom message on nearly every field to say them.
 */
export class ObjectReader {
  private readonly seen = new Set<string>();

  constructor(
    readonly value: Readonly<Record<string, unknown>>,
    readonly path: string,
    private readonly issues: IssueList,
  ) {}

  /** Wraps `value` when it is a plain object; otherwise records an issue and returns undefined. */
  static of(value: unknown, path: string, issues: IssueList): ObjectReader | undefined {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return new ObjectReader(value as Record<string, unknown>, path, issues);
    issues.expected(path, 'an object', value);
    return undefined;
  }

  /** The full path of a key of this object. */
  at(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  has(key: string): boolean {
    return this.value[key] !== undefined;
  }

  /** The raw value, marked as read. */
  raw(key: string): unknown {
    this.seen.add(key);
    return this.value[key];
  }

  /** Marks keys as known without reading them. */
  ignore(...keys: string[]): void {
    for (const key of keys) this.seen.add(key);
  }

  /** A nested object; undefined (with an issue unless optional and absent) when it is not one. */
  object(key: string, optional = true): ObjectReader | undefined {
    const value = this.raw(key);
    if (value === undefined && optional) return undefined;
    return ObjectReader.of(value, this.at(key), this.issues);
  }

  string(key: string, options: { required?: boolean; oneOf?: readonly string[]; absolutePath?: boolean; pattern?: [RegExp, string] } = {}): string | undefined {
    const value = this.raw(key);
    const path = this.at(key);
    if (value === undefined) {
      if (options.required) this.issues.add(path, `is required${options.oneOf ? `: one of ${quoteList(options.oneOf)}` : ''}`);
      return undefined;
    }
    if (this.placeholder(path, value)) return undefined;
    if (typeof value !== 'string' || value === '') return this.fail(path, options.oneOf ? `one of ${quoteList(options.oneOf)}` : 'a non-empty string', value);
    if (options.oneOf && !options.oneOf.includes(value)) return this.fail(path, `one of ${quoteList(options.oneOf)}`, value);
    const problem = options.absolutePath ? pathProblem(value) : undefined;
    if (problem) {
      this.issues.add(path, problem);
      return undefined;
    }
    if (options.pattern && !options.pattern[0].test(value)) return this.fail(path, options.pattern[1], value);
    return value;
  }

  number(key: string, rule: NumberRule = {}): number | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    return this.checkNumber(this.at(key), value, rule);
  }

  /** Checks a value against a number rule (for values already read, e.g. to re-check with a context). */
  checkNumber(path: string, value: unknown, rule: NumberRule): number | undefined {
    if (this.placeholder(path, value, rule)) return undefined;
    const parsed =
      typeof value === 'number' ? value : rule.acceptStrings && typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
    const ok =
      Number.isFinite(parsed) &&
      (!rule.integer || Number.isInteger(parsed)) &&
      (rule.min === undefined || parsed >= rule.min) &&
      (rule.max === undefined || parsed <= rule.max);
    if (!ok) return this.fail(path, describeRule(rule), value);
    return parsed;
  }

  /** A boolean; with `legacy`, also 1/0 and "true"/"false"/"1"/"0" as amazon-ebs-autoscale wrote them. */
  boolean(key: string, options: { legacy?: boolean } = {}): boolean | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value === 'boolean') return value;
    if (options.legacy) {
      if (value === 1 || value === '1' || value === 'true') return true;
      if (value === 0 || value === '0' || value === 'false') return false;
      return this.fail(this.at(key), 'true, false, 1 or 0', value);
    }
    return this.fail(this.at(key), 'true or false', value);
  }

  /** An object of string values, e.g. tags; `keyProblem` says what is wrong with a key, if anything. */
  stringMap(key: string, keyProblem?: (name: string) => string | undefined): Record<string, string> | undefined {
    const reader = this.object(key);
    if (!reader) return undefined;
    const out: Record<string, string> = {};
    for (const name of Object.keys(reader.value)) {
      const value = reader.raw(name);
      const problem = keyProblem?.(name);
      if (problem !== undefined) this.issues.add(reader.at(name), problem);
      else if (typeof value !== 'string') this.issues.expected(reader.at(name), 'a string', value);
      else out[name] = value;
    }
    return out;
  }

  /** Records an issue for each key nothing read. */
  finish(): void {
    const known = [...this.seen].sort();
    for (const key of Object.keys(this.value)) {
      if (!this.seen.has(key)) this.issues.add(this.at(key), `unknown key; expected one of ${quoteList(known)}`);
    }
  }

  private placeholder(path: string, value: unknown, rule?: NumberRule): boolean {
    // amazon-ebs-autoscale's template keeps `%%NAME%%` until its install.sh substitutes it.
    if (typeof value !== 'string' || !/^%%[A-Z_]+%%$/.test(value)) return false;
    const expected = rule ? `; expected ${describeRule(rule)}` : '';
    this.issues.add(path, `${value} is an unfilled placeholder of amazon-ebs-autoscale's install.sh${expected}`);
    return true;
  }

  private fail(path: string, expected: string, value: unknown): undefined {
    this.issues.expected(path, expected, value);
    return undefined;
  }
}

/** `"a", "b" or "c"`. */
export function quoteList(values: readonly string[]): string {
  const quoted = values.map((value) => JSON.stringify(value));
  return quoted.length <= 1 ? (quoted[0] ?? '(none)') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}

function describeRule(rule: NumberRule): string {
  const kind = rule.integer ? 'an integer' : 'a number';
  const range =
    rule.min !== undefined && rule.max !== undefined
      ? ` from ${rule.min} to ${rule.max}`
      : rule.min !== undefined
        ? ` of at least ${rule.min}`
        : rule.max !== undefined
          ? ` of at most ${rule.max}`
          : '';
  return `${kind}${range}${rule.context ? ` ${rule.context}` : ''}`;
}
