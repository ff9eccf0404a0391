export { FileStore, createStore, defaultCredentialsPath, type FileStoreOptions } from './file-store.js';
