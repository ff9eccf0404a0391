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

export async function runCommand(command: string, args: Args, io: Io): Promise<number> {
  const load = handlers[command];
  if (!load) throw new Error(`no handler for ${command}`);
  return (await load())(createContext(io, args));
}
