
/** Who logs in where, from the login flags and their defaults. */
export interface OAuthClient {
  clientId: string;
  /** For confidential clients; sent at login only (rattler's stored OAuth JSON has no place for it). */
  clientSecret: string | undefined;
  scopes: string[];
}

/** The fields every request of this client carries (client_secret_post, RFC 6749 §2.3.1). */
export function clientFields(client: OAuthClient): Record<string, string> {
  return client.clientSecret ? { client_id: client.clientId, client_secret: client.clientSecret } : { client_id: client.clientId };
}

/** Text a server sent, fit for a terminal: no control characters (escape sequences). */
export const printable = (value: string) => value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

