import type { Clock, TimerHandle } from '@ebs-autoscale/core';

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly callback: () => void;
}

/**
 * A virtual clock for long simulations. Core's `ManualClock` lets 20 macrotask turns pass after every
 * timer, which is right for tests but makes three simulated days take minutes; here timers sit in a
 * binary heap and one `setImmediate` turn after each timer is enough, because every fake the
 * benchmark drives resolves through microtasks only, and Node drains the whole microtask queue
 * (however deep the chain) before it runs the next macrotask.
 */
export class VirtualClock implements Clock {
  private time = 0;
  private nextId = 1;
  private readonly heap: Timer[] = [];
  private readonly cancelled = new Set<number>();

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const timer: Timer = { id: this.nextId++, at: this.time + Math.max(0, ms), callback };
    this.push(timer);
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    if (typeof handle === 'number') this.cancelled.add(handle);
  }

  /**
   * Fires every timer due up to `untilMs`, in order. `beforeFire(at)` runs before each timer, so a
   * workload can bring the filesystem up to the moment the timer fires.
   */
  async runUntil(untilMs: number, beforeFire: (atMs: number) => void = () => {}): Promise<void> {
    await drain();
    for (;;) {
      const next = this.heap[0];
      if (!next || next.at > untilMs) break;
      this.pop();
      if (this.cancelled.delete(next.id)) continue;
      this.time = next.at;
      beforeFire(next.at);
      next.callback();
      await drain();
    }
    this.time = Math.max(this.time, untilMs);
    beforeFire(this.time);
  }

  private push(timer: Timer): void {
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let best = i;
      if (left < heap.length && earlier(heap[left]!, heap[best]!)) best = left;
      if (right < heap.length && earlier(heap[right]!, heap[best]!)) best = right;
      if (best === i) return;
      [heap[i], heap[best]] = [heap[best]!, heap[i]!];
      i = best;
    }
  }
}

function earlier(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.id < b.id);
}

function drain(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
