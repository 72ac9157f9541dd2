/**
 * A cursor over one object of the parsed YAML that knows its option path,
 * so every refusal names the option (`model_list[2].litellm_params.rpm`)
 * and every key nobody read is reported as unknown.
 */
import { ConfigInvalidError } from '../errors.js';

/** Raise a config error for `path`. */
export function refuse(path: string, reason: string): never {
  throw new ConfigInvalidError({ details: { path, reason } });
}

/** Reads typed fields of one mapping and remembers which were used. */
export class ObjectReader {
  readonly path: string;
  private readonly obj: Record<string, unknown>;
  private readonly used = new Set<string>();

  constructor(value: unknown, path: string) {
    this.path = path;
    if (value === undefined || value === null) {
      this.obj = {};
      return;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      refuse(path, 'must be a mapping');
    }
    this.obj = value as Record<string, unknown>;
  }

  /** The option path of a key of this object. */
  at(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`;
  }

  raw(key: string): unknown {
    this.used.add(key);
    return this.obj[key];
  }

  str(key: string): string | null {
    const v = this.raw(key);
    if (v === undefined || v === null) return null;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (typeof v !== 'string') refuse(this.at(key), 'must be a string');
    return v;
  }

  requiredStr(key: string): string {
    const v = this.str(key);
    if (v === null || v === '') refuse(this.at(key), 'is required');
    return v;
  }

  /** A number, also accepted as a numeric string (env values are). */
  num(key: string, opts: { min?: number; int?: boolean } = {}): number | null {
    const v = this.raw(key);
    if (v === undefined || v === null) return null;
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) {
      refuse(this.at(key), 'must be a number');
    }
    if (opts.int === true && !Number.isInteger(n)) {
      refuse(this.at(key), 'must be an integer');
    }
    if (opts.min !== undefined && n < opts.min) {
      refuse(this.at(key), `must be >= ${opts.min}`);
    }
    return n;
  }

  bool(key: string): boolean | null {
    const v = this.raw(key);
    if (v === undefined || v === null) return null;
    if (v === true || v === 'true') return true;
    if (v === false || v === 'false') return false;
    return refuse(this.at(key), 'must be a boolean');
  }

  list(key: string): unknown[] {
    const v = this.raw(key);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) refuse(this.at(key), 'must be a list');
    return v;
  }

  child(key: string): ObjectReader {
    return new ObjectReader(this.raw(key), this.at(key));
  }

  /** Keys present in the file but never read: likely typos. */
  unknownKeys(): string[] {
    return Object.keys(this.obj)
      .filter((k) => !this.used.has(k))
      .map((k) => this.at(k));
  }
}
