export { NetrcStore, createStore, type NetrcStoreOptions } from './netrc-store.js';
export { parseNetrc, type Netrc, type NetrcEntry } from './netrc.js';
