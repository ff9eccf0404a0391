import { type Args, type Context, createContext } from './commands/context.js';
import type { Io } from './io.js';

type Handler = (ctx: Context) => Promise<number>;

// Each command's module loads only when it runs: `list` never loads got, `--file` never the keychain.
const handlers: Record<string, () => Promise<Handler>> = {
  login: async () => (await import('./commands/login.js')).login,
  logout: async () => (await import('./commands/logout.js')).logout,
  list: async () => (await import('./commands/list.js')).list,
  token: async () => (await import('./commands/token.js')).token,
  status: async () => (await import('./commands/status.js')).status,
};

// Writes need every writable store: a store passed over is always worth a warning.
const writes = new Set(['login', 'logout']);

export async function runCommand(command: string, args: Args, io: Io): Promise<number> {
  const load = handlers[command];
  if (!load) throw new Error(`no handler for ${command}`);
  const ctx = createContext(io, args);
  try {
    return await (await load())(ctx);
  } finally {
    if (writes.has(command)) ctx.reportUnavailable();
  }
}
