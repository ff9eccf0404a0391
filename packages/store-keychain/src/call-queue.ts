/**
 * Runs at most `limit` native keychain calls at a time, the rest waiting their turn. Each native
 * call holds a thread of libuv's pool (four by default); a thousand calls started at once would
 * queue inside the pool, where their timeouts run while they wait. Here a call's timeout starts
 * only when the call does.
 */
export class CallQueue {
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  async run<T>(call: () => Promise<T>): Promise<T> {
    if (this.#running >= this.limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#running++;
    try {
      return await call();
    } finally {
      this.#running--;
      this.#waiting.shift()?.();
    }
  }
}
