/**
 * An async iterator fed by push(). Unlike an async generator paused on `await`, its return() takes
 * effect at once: it ends the stream and runs the cleanup (unsubscribe) immediately.
 */
export class PushQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private readonly pulls: ((result: IteratorResult<T>) => void)[] = [];
  private done = false;

  constructor(
    private readonly onClose: () => void,
    private readonly itemsMax: number,
  ) {}

  push(item: T): void {
    if (this.done) return;
    const pull = this.pulls.shift();
    if (pull) return pull({ value: item, done: false });
    // A consumer this far behind is dropped rather than allowed to grow without bound.
    if (this.items.length >= this.itemsMax) {
      void this.return();
      return;
    }
    this.items.push(item);
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve({ value: item, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.pulls.push(resolve));
  }

  return(): Promise<IteratorResult<T>> {
    if (!this.done) {
      this.done = true;
      this.items.length = 0;
      for (const pull of this.pulls.splice(0)) pull({ value: undefined, done: true });
      this.onClose();
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    void this.return();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
