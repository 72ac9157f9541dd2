/**
 * A minimal protobuf writer for the OTLP span encoder: varints, fixed
 * widths, strings and nested messages into one growing Buffer that is
 * reused from batch to batch. Nested messages reserve one length byte
 * and shift their body when it turns out longer than 127 bytes, so the
 * output is canonical protobuf in a single pass.
 *
 * Invariants: `pos` is the end of what is written; `buf` is only ever
 * replaced by a larger copy; varints take non-negative integers below
 * 2^53 or negative ones (written as 64-bit two's complement).
 */

const k2p32 = 0x100000000;

/** A hex digit's value (ids are validated hex; others read as garbage). */
function nibble(c: number): number {
  return c <= 57 ? c - 48 : (c | 0x20) - 87;
}

/** Length of the varint of a non-negative integer below 2^32. */
function varintLength32(v: number): number {
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  return 5;
}

/** Writes protobuf wire format into a reusable buffer. */
export class ProtoWriter {
  buf: Buffer;
  pos = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Start a new message; what was written before is discarded. */
  reset(): void {
    this.pos = 0;
  }

  /** A copy of what was written, owning its own ArrayBuffer. */
  finish(): Uint8Array {
    // Unpooled and not zero-filled: every byte is copied over.
    const out = Buffer.allocUnsafeSlow(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }

  /** Make room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** A field key: field number and wire type. */
  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /** An integer as a varint (negative: ten bytes of two's complement). */
  varint(v: number): void {
    this.ensure(10);
    if (v >= 0 && v < k2p32) {
      let x = v >>> 0;
      while (x > 0x7f) {
        this.buf[this.pos++] = (x & 0x7f) | 0x80;
        x >>>= 7;
      }
      this.buf[this.pos++] = x;
      return;
    }
    let lo: number;
    let hi: number;
    if (v >= 0) {
      lo = v >>> 0;
      hi = Math.floor(v / k2p32) >>> 0;
    } else {
      const abs = -v;
      lo = ~(abs >>> 0) >>> 0;
      hi = ~(Math.floor(abs / k2p32) >>> 0) >>> 0;
      lo = (lo + 1) >>> 0;
      if (lo === 0) hi = (hi + 1) >>> 0;
    }
    while (hi > 0 || lo > 0x7f) {
      this.buf[this.pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    this.buf[this.pos++] = lo;
  }

  /** Four bytes, little-endian. */
  fixed32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
  }

  /** Eight bytes, little-endian, from two 32-bit halves. */
  fixed64(lo: number, hi: number): void {
    this.ensure(8);
    this.buf.writeUInt32LE(lo >>> 0, this.pos);
    this.buf.writeUInt32LE(hi >>> 0, this.pos + 4);
    this.pos += 8;
  }

  /** An IEEE 754 double, little-endian. */
  double(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  /** A length-prefixed UTF-8 string. */
  string(s: string): void {
    const n = s.length;
    this.ensure(n * 3 + 5);
    // Short ASCII strings, the usual case, are copied char by char.
    if (n < 0x80) {
      const buf = this.buf;
      let p = this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        buf[p++] = c;
      }
      if (i === n) {
        buf[this.pos] = n;
        this.pos = p;
        return;
      }
    }
    const len = Buffer.byteLength(s, 'utf8');
    this.varint(len);
    this.pos += this.buf.write(s, this.pos, len, 'utf8');
  }

  /** Bytes as they are (an encoding made earlier). */
  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Length-prefixed bytes. */
  bytes(b: Uint8Array): void {
    this.varint(b.length);
    this.raw(b);
  }

  /** Length-prefixed bytes of a hex string (trace and span ids). */
  hex(h: string): void {
    const n = h.length >>> 1;
    this.varint(n);
    this.ensure(n);
    const buf = this.buf;
    for (let i = 0; i < n; i++) {
      buf[this.pos++] =
        (nibble(h.charCodeAt(2 * i)) << 4) | nibble(h.charCodeAt(2 * i + 1));
    }
  }

  /** Open a nested message; returns the mark `close` takes. */
  open(): number {
    this.ensure(1);
    return this.pos++;
  }

  /** Close the message opened at `mark`, writing its length there. */
  close(mark: number): void {
    const len = this.pos - mark - 1;
    const extra = varintLength32(len) - 1;
    if (extra > 0) {
      this.ensure(extra);
      // copyWithin is a V8 builtin: cheaper than Buffer#copy's binding.
      this.buf.copyWithin(mark + 1 + extra, mark + 1, this.pos);
      this.pos += extra;
    }
    let p = mark;
    let x = len;
    while (x > 0x7f) {
      this.buf[p++] = (x & 0x7f) | 0x80;
      x >>>= 7;
    }
    this.buf[p] = x;
  }
}
