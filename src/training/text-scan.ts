/**
 * The hashed n-gram scan under the featurizer: folds a prompt into a
 * compact code stream and counts word uni/bi-grams and character
 * n-grams into two hashed blocks. Allocation-free after construction so
 * a serving worker can call it per request; one scanner per thread.
 *
 * Invariants of `TermCounts`: `counts[b] > 0` exactly for the buckets in
 * `touched[0..size)`; word buckets lie in [0, wordDim), character buckets
 * in [wordDim, wordDim + charDim).
 */

/** What the scanner needs to know; a subset of the featurizer params. */
export interface ScanParams {
  readonly wordDim: number;
  readonly charDim: number;
  readonly wordBigrams: boolean;
  readonly charNgramMin: number;
  readonly charNgramMax: number;
  readonly headChars: number;
  readonly tailChars: number;
}

/** Reusable term-count buffers filled by `scan`. */
export interface TermCounts {
  readonly counts: Float32Array;
  readonly touched: Int32Array;
  size: number;
}

const kFnvOffset = 0x811c9dc5;
const kFnvPrime = 0x01000193;
const kSpace = 32;
const kNewline = 10;
const kDigit = 48;
const kBigramSalt = 0x9e3779b9;

/** Murmur3's finaliser: spreads FNV's weak low bits before masking. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Case-fold ASCII, merge digits (numbers vary, their shape does not). */
function fold(c: number): number {
  if (c >= 65 && c <= 90) return c | 32;
  if (c >= 48 && c <= 57) return kDigit;
  return c;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 0xa0 || c === 0x3000;
}

/** Letters, digits and anything outside ASCII count as word characters. */
function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || c === kDigit || c >= 128;
}

/** Hashed n-gram counter with buffers sized once for its params. */
export class TextScanner {
  readonly params: ScanParams;
  private readonly codes: Uint16Array;
  private len = 0;

  constructor(params: ScanParams) {
    this.params = params;
    this.codes = new Uint16Array(params.headChars + params.tailChars + 1);
  }

  /** A fresh counts holder matching this scanner's dimensions. */
  newCounts(): TermCounts {
    const n = this.params.wordDim + this.params.charDim;
    return { counts: new Float32Array(n), touched: new Int32Array(n), size: 0 };
  }

  /** Count the n-grams of `text` into `out` (cleared first). */
  scan(text: string, out: TermCounts): void {
    for (let i = 0; i < out.size; i++) out.counts[out.touched[i]!] = 0;
    out.size = 0;

    this.fill(text);
    this.countWords(out);
    this.countChars(out);
  }

  /** Fold the head and tail of `text` into `codes`, whitespace collapsed. */
  private fill(text: string): void {
    const { headChars, tailChars } = this.params;
    this.len = 0;
    if (text.length <= headChars + tailChars) {
      this.append(text, 0, text.length);
      return;
    }

    // Long prompts: the task is usually stated at the start (instructions)
    // or at the end (the question after a passage), rarely in between.
    this.append(text, 0, headChars);
    this.push(kNewline);
    this.append(text, text.length - tailChars, text.length);
  }

  private append(text: string, from: number, to: number): void {
    let pending = 0;
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      if (c === kNewline) pending = kNewline;
      else if (isSpace(c)) pending = pending === 0 ? kSpace : pending;
      else {
        if (pending !== 0 && this.len > 0) this.push(pending);
        pending = 0;
        this.push(fold(c));
      }
    }
  }

  private push(c: number): void {
    if (this.len < this.codes.length) this.codes[this.len++] = c;
  }

  private add(out: TermCounts, bucket: number): void {
    if (out.counts[bucket] === 0) out.touched[out.size++] = bucket;
    out.counts[bucket]! += 1;
  }

  /** Words are runs of word characters; every other symbol is a token. */
  private countWords(out: TermCounts): void {
    const mask = this.params.wordDim - 1;
    const codes = this.codes;
    let prev = 0;
    let i = 0;
    while (i < this.len) {
      let c = codes[i]!;
      if (c === kSpace || c === kNewline) {
        i++;
        continue;
      }

      let h = kFnvOffset;
      if (isWordChar(c)) {
        while (i < this.len && isWordChar((c = codes[i]!))) {
          h = Math.imul(h ^ c, kFnvPrime);
          i++;
        }
      } else {
        h = Math.imul(h ^ c, kFnvPrime);
        i++;
      }

      const uni = mix(h);
      this.add(out, uni & mask);
      if (this.params.wordBigrams && prev !== 0) {
        this.add(out, mix(Math.imul(prev, 31) ^ uni ^ kBigramSalt) & mask);
      }
      prev = uni;
    }
  }

  /** Character n-grams of the folded stream, spaces included. */
  private countChars(out: TermCounts): void {
    const { charNgramMin, charNgramMax, wordDim, charDim } = this.params;
    const mask = charDim - 1;
    const codes = this.codes;
    const last = this.len - charNgramMin;
    for (let i = 0; i <= last; i++) {
      let h = kFnvOffset;
      const end = Math.min(this.len, i + charNgramMax);
      for (let j = i; j < end; j++) {
        h = Math.imul(h ^ codes[j]!, kFnvPrime);
        if (j - i + 1 >= charNgramMin) this.add(out, wordDim + (mix(h) & mask));
      }
    }
  }
}
