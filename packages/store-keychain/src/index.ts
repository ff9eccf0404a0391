export { KeychainStore, createStore, type KeychainStoreOptions } from './keychain-store.js';
