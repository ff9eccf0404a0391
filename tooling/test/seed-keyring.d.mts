/** Creates `entries` ([account, secret]) under `service` in the Secret Service at `address`, in its in-memory collection made the default. */
export function seedSecretService(address: string, service: string, entries: [string, string][]): Promise<void>;
