/**
 * Dense "what kind of task is this" features: shape signals that hashed
 * n-grams lose after TF-IDF and normalisation (length, layout, casing,
 * how the prompt ends, answer-choice layout, share of digits and maths).
 * They let the routers tell benchmarks apart (a short lower-case
 * question vs a capitalised trivia question, a word list vs a sentence).
 * Every value lies in [0, 1]; one pass over the prompt, no allocation.
 */

/** Names of the dense features, in output order (documented). */
export const kTaskFeatureNames: readonly string[] = Object.freeze([
  'len<=32',
  'len~64',
  'len~128',
  'len~256',
  'len~512',
  'len~1024',
  'len~2048',
  'len>=4096',
  'has_newline',
  'lines>=4',
  'lines>=16',
  'ends_question_mark',
  'ends_period',
  'ends_colon',
  'ends_word',
  'starts_lowercase',
  'digit_share',
  'has_dollar',
  'has_backslash',
  'code_symbol_share',
  'commas_per_word',
  'choice_lines',
  'has_answer_cue',
  'has_underscore',
  'math_symbol_share',
  'starts_question_word',
  'uppercase_share',
  'numbers_count',
  'mean_word_length',
  'sentences_count',
  'quote_share',
  'non_ascii_share',
]);

/** How many dense task features the featurizer appends. */
export const kTaskFeatureCount = kTaskFeatureNames.length;

/** FNV-1a of lower-case ASCII words that open a question. */
const kQuestionWords: ReadonlySet<number> = new Set(
  ['what', 'which', 'who', 'whom', 'whose', 'when', 'where', 'why', 'how']
    .concat(['is', 'are', 'was', 'were', 'do', 'does', 'did', 'can'])
    .map(hashWord),
);

function hashWord(w: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < w.length; i++) {
    h = Math.imul(h ^ w.charCodeAt(i), 0x01000193);
  }
  return h >>> 0;
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** Soft one-hot of log2(length) over 8 buckets from 32 to 4096 chars. */
function lengthBuckets(len: number, out: Float32Array, at: number): void {
  const pos = clamp01((Math.log2(Math.max(len, 1)) - 5) / 7) * 7;
  const lo = Math.floor(pos);
  const frac = pos - lo;
  out[at + lo] = 1 - frac;
  if (lo < 7) out[at + lo + 1] = frac;
}

/** `A.`/`B)`/`(C)` at a line start: counts answer-choice lines. */
function isChoiceAt(text: string, i: number): boolean {
  let c = text.charCodeAt(i);
  if (c === 40) c = text.charCodeAt(++i);
  if (c < 65 || c > 69) return false;
  const next = text.charCodeAt(i + 1);
  return next === 46 || next === 41 || next === 58;
}

/**
 * Fill `out[at .. at + kTaskFeatureCount)` from `text`. Past
 * `head + tail` characters only the head and tail are read (as by the
 * n-gram scan), so a huge prompt costs no more than a long one; the
 * length buckets still see the full length.
 */
export function taskFeatures(
  full: string,
  out: Float32Array,
  at: number,
  head: number,
  tail: number,
): void {
  out.fill(0, at, at + kTaskFeatureCount);
  lengthBuckets(full.length, out, at);
  const text =
    full.length <= head + tail
      ? full
      : `${full.slice(0, head)}\n${full.slice(full.length - tail)}`;
  const n = text.length;
  if (n === 0) return;

  let lines = 0;
  let digits = 0;
  let upper = 0;
  let code = 0;
  let maths = 0;
  let commas = 0;
  let quotes = 0;
  let nonAscii = 0;
  let words = 0;
  let wordChars = 0;
  let numbers = 0;
  let sentences = 0;
  let choices = 0;
  let dollar = 0;
  let backslash = 0;
  let underscore = 0;
  let firstWord = -1;
  let inWord = false;
  let inNumber = false;
  let h = 0x811c9dc5;
  let lineStart = true;

  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const lower = c >= 97 && c <= 122;
    const up = c >= 65 && c <= 90;
    const digit = c >= 48 && c <= 57;
    const letter = lower || up;

    if (lineStart && c !== 32 && c !== 10) {
      if (isChoiceAt(text, i)) choices++;
      lineStart = false;
    }

    // Word and number runs: counts, mean length and the opening word.
    if (letter || digit) {
      if (!inWord) words++;
      inWord = true;
      wordChars++;
      if (firstWord < 0) h = Math.imul(h ^ (c | 32), 0x01000193);
      if (digit && !inNumber) numbers++;
      inNumber = digit || (inNumber && c === 46);
    } else {
      if (inWord && firstWord < 0) firstWord = h >>> 0;
      inWord = false;
      inNumber = false;
    }

    if (digit) digits++;
    else if (up) upper++;
    else if (c === 10) {
      lines++;
      lineStart = true;
    } else if (c === 44) commas++;
    else if (c === 36) dollar = 1;
    else if (c === 92) backslash = 1;
    else if (c === 95) underscore = 1;
    else if (c === 34 || c === 39) quotes++;
    else if (c >= 128) nonAscii++;
    if (c === 40 || c === 41 || c === 91 || c === 93 || c === 123) code++;
    if (c === 125 || c === 58 || c === 35 || c === 62) code++;
    if (c === 43 || c === 42 || c === 47 || c === 61 || c === 94) maths++;
    if ((c === 46 || c === 63 || c === 33) && i + 1 < n) {
      const next = text.charCodeAt(i + 1);
      if (next === 32 || next === 10) sentences++;
    }
  }
  if (inWord && firstWord < 0) firstWord = h >>> 0;

  const f = at + 8;
  out[f] = lines > 0 ? 1 : 0;
  out[f + 1] = lines >= 4 ? 1 : 0;
  out[f + 2] = lines >= 16 ? 1 : 0;
  endings(text, out, f + 3);
  out[f + 7] = startsLowercase(text) ? 1 : 0;
  out[f + 8] = clamp01((digits / n) * 5);
  out[f + 9] = dollar;
  out[f + 10] = backslash;
  out[f + 11] = clamp01((code / n) * 20);
  out[f + 12] = clamp01(commas / Math.max(words, 1));
  out[f + 13] = clamp01(choices / 4);
  out[f + 14] = text.includes('Answer') || text.includes('answer') ? 1 : 0;
  out[f + 15] = underscore;
  out[f + 16] = clamp01((maths / n) * 20);
  out[f + 17] = kQuestionWords.has(firstWord) ? 1 : 0;
  out[f + 18] = clamp01((upper / n) * 10);
  out[f + 19] = clamp01(numbers / 16);
  out[f + 20] = clamp01(wordChars / Math.max(words, 1) / 12);
  out[f + 21] = clamp01(sentences / 16);
  out[f + 22] = clamp01((quotes / n) * 20);
  out[f + 23] = clamp01((nonAscii / n) * 10);
}

/** One-hot of the last visible character: `?`, `.`, `:` or a word char. */
function endings(text: string, out: Float32Array, at: number): void {
  let i = text.length - 1;
  while (i >= 0 && text.charCodeAt(i) <= 32) i--;
  if (i < 0) return;
  const c = text.charCodeAt(i);
  if (c === 63) out[at] = 1;
  else if (c === 46) out[at + 1] = 1;
  else if (c === 58) out[at + 2] = 1;
  else if ((c | 32) >= 97 && (c | 32) <= 122) out[at + 3] = 1;
}

function startsLowercase(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 97 && c <= 122) return true;
    if ((c >= 65 && c <= 90) || (c >= 48 && c <= 57)) return false;
  }
  return false;
}
