import type { Credential } from '@auth/core';
import { MemoryStore } from '@auth/core';

/** A memory store that counts calls, so tests can assert how often a store is read. */
export class CountingStore extends MemoryStore {
  calls = { get: 0, set: 0, delete: 0, list: 0 };
  constructor(entries: Iterable<[string, Credential]> = [], name = 'memory', readonly delayMs = 0) {
    super(entries, name);
  }
  override async get(key: string) {
    this.calls.get++;
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    return super.get(key);
  }
  override async set(key: string, credential: Credential) {
    this.calls.set++;
    return super.set(key, credential);
  }
  override async delete(key: string) {
    this.calls.delete++;
    return super.delete(key);
  }
  override async list() {
    this.calls.list++;
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    return super.list();
  }
}
