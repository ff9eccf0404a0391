export * from './errors.js';
export * from './credential.js';
export {
  decodeCredential,
  encodeCredential,
  parseCredentialsDocument,
  serializeCredentialsDocument,
  type CredentialsDocument,
} from './rattler.js';
export { JsonSyntaxError, lineAndColumn } from './json-text.js';
export { keyFromInput, pixiKeyFor, isIpAddress, hasScheme } from './keys.js';
export { candidateKeys, keyMatches } from './match.js';
export { type Application, type Applied, applicationOf, type S3Endpoint, type Step, type StepContext } from './application.js';
export { decorate, type DecoratedRequest, type RequestInput } from './decorate.js';
export {
  authorizationOf,
  type HeaderPairs,
  type HeaderRecord,
  type HeadersInput,
  type HeaderValue,
} from './headers.js';
export { parseRequestUrl, type RequestUrl } from './request-url.js';
export { REDACTED, redactUrl, redactSecret, redactText } from './redact.js';
export { type CredentialStore, MemoryStore } from './store.js';
export {
  StoreChain,
  type ChainEvents,
  type DeleteReport,
  type ListedKey,
  type Listing,
  type Lookup,
  type Resolution,
  type Unchecked,
} from './chain.js';
export { createAuthenticator, type Authenticator, type AuthenticatorOptions } from './authenticator.js';
