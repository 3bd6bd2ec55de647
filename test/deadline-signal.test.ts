/** A deadline's signal: aborts as AbortSignal.timeout/any would, and once released holds nothing. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deadlineSignal } from '../src/deadline-signal.js';

describe('deadlineSignal', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("aborts at the deadline with AbortSignal.timeout's reason, and lets go of the caller's signal then", () => {
    const parent = new AbortController();
    const listeners = vi.spyOn(parent.signal, 'removeEventListener');
    const { signal } = deadlineSignal(50, parent.signal);
    vi.advanceTimersByTime(49);
    expect(signal.aborted).toBe(false);
    expect(listeners).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toMatchObject({ name: 'TimeoutError' });
    expect(listeners).toHaveBeenCalledWith('abort', expect.any(Function));
  });

  it("aborts with the caller's signal first, with its reason; at once when that one already is", () => {
    const parent = new AbortController();
    const { signal } = deadlineSignal(1000, parent.signal);
    parent.abort(new Error('the user went away'));
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('the user went away');
    expect(deadlineSignal(1000, parent.signal).signal.reason).toBe(parent.signal.reason);
  });

  it('released, it neither times out nor follows the caller, and leaves no timer or listener', () => {
    const parent = new AbortController();
    const listeners = vi.spyOn(parent.signal, 'removeEventListener');
    const deadline = deadlineSignal(50, parent.signal);
    deadline.release();
    expect(vi.getTimerCount()).toBe(0);
    expect(listeners).toHaveBeenCalledWith('abort', expect.any(Function));
    vi.advanceTimersByTime(100);
    parent.abort();
    expect(deadline.signal.aborted).toBe(false);
  });
});
