import { describe, expect, it } from 'vitest';
import { BodyBuffers } from '../src/receive/body-buffers.js';

describe('BodyBuffers', () => {
  it('hands a returned buffer out again when it is large enough, the smallest that fits first', () => {
    const buffers = new BodyBuffers(1 << 20);
    const small = buffers.take(1000);
    const large = buffers.take(200_000);
    expect(small.byteLength).toBeGreaterThanOrEqual(1000);
    expect(large.byteLength).toBeGreaterThanOrEqual(200_000);
    buffers.give(large);
    buffers.give(small);
    expect(buffers.take(500)).toBe(small);
    expect(buffers.take(500)).toBe(large);
    const fresh = buffers.take(500);
    expect(fresh).not.toBe(small);
    expect(fresh).not.toBe(large);
  });

  it('does not hand out a buffer that is too small', () => {
    const buffers = new BodyBuffers(1 << 20);
    const small = buffers.take(1000);
    buffers.give(small);
    const big = buffers.take(small.byteLength + 1);
    expect(big).not.toBe(small);
    expect(big.byteLength).toBeGreaterThan(small.byteLength);
  });

  it('keeps at most its byte budget of idle buffers, the largest ones', () => {
    const buffers = new BodyBuffers(340_000); // the three round up to 128, 192 and 64 KiB
    const a = buffers.take(100_000);
    const b = buffers.take(150_000);
    const c = buffers.take(10_000);
    buffers.give(a);
    buffers.give(b);
    buffers.give(c); // over the budget with all three: the smallest goes first
    const kept = [buffers.take(1), buffers.take(1), buffers.take(1)];
    expect(kept).toContain(a);
    expect(kept).toContain(b);
    expect(kept).not.toContain(c);
  });
});
