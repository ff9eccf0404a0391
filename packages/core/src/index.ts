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
export { keyFromInput, isIpAddress, hasScheme } from './keys.js';
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
export { REDACTED, redact, redactSecret } from './redact.js';
export { type CredentialStore, type FirstHeld, MemoryStore, keyForWrite, keysForRead, readFirstForm } from './store.js';
export {
  StoreChain,
  chainOf,
  type ChainEvents,
  type DeleteReport,
  type ListedKey,
  type Listing,
  type Lookup,
  type Resolution,
  type Unchecked,
} from './chain.js';
export { createAuthenticator, type Authenticator, type AuthenticatorOptions } from './authenticator.js';
export {
  presignS3,
  redactPresignedUrl,
  DEFAULT_S3_EXPIRES_IN,
  MAX_S3_EXPIRES_IN,
  type PresignS3Input,
  type S3Keys,
} from './s3-presign.js';
export {
  s3RequestFor,
  parseS3Url,
  FALLBACK_S3_REGION,
  type S3BucketOptions,
  type S3Options,
  type S3Request,
  type S3RequestInput,
  type S3KeySource,
} from './s3-request.js';
export { canonicalKey } from './keys.js';
export { logoutKeys, pixiKeyFor } from './logout-keys.js';
export { loginKeyNote, keyWarning } from './key-notes.js';
export { isPublicSuffix, wildcardReachesPublicSuffix } from './public-suffix.js';
export { escapeForTerminal } from './terminal.js';
export { freshCredential, needsRefresh, forgetRefreshed, REFRESH_MARGIN_SECONDS, type FoundCredential, type RefreshOptions } from './oauth-refresh.js';
export { postForm, checkEndpoint, errorCodeOf, describeFailure, credentialFromTokens, type EndpointOptions, type FormReply } from './oauth-endpoint.js';
export { expiryOf, jwtExpiry, type Expiry } from './token-expiry.js';
export { fileKind, readRegularFileSync } from './regular-file.js';
