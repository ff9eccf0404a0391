import { COMPLETE_WORD } from './argv.js';
import type { Io } from './io.js';
import { commandNamed, commands, type CommandSpec, optionsOf } from './spec.js';
import { selectStores } from './stores.js';

const BASH = `# auth completion for bash: auth completion >> ~/.bashrc
_auth_complete() {
  local IFS=$'\\n'
  COMPREPLY=($(auth ${COMPLETE_WORD} "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _auth_complete auth
`;

/** The script that makes a shell ask `auth __complete <words…>` what may come next. */
export function completionScript(shell: 'bash' | 'zsh'): string {
  return shell === 'zsh' ? `# auth completion for zsh: auth completion zsh >> ~/.zshrc\nautoload -U +X bashcompinit && bashcompinit\n${BASH}` : BASH;
}

interface Typed {
  spec: CommandSpec | undefined;
  positionals: number;
  values: Record<string, string>;
  /** The option whose value is being typed. */
  valueOf: string | undefined;
}

/** What the words before the cursor say: the command, options with values, positionals so far. */
function read(words: readonly string[]): Typed {
  const typed: Typed = { spec: undefined, positionals: 0, values: {}, valueOf: undefined };
  let seenCommand = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const option = word.startsWith('--') ? optionsOf(typed.spec)[word.slice(2)] : undefined;
    if (option?.type === 'string') {
      if (i === words.length - 1) typed.valueOf = word.slice(2);
      else typed.values[word.slice(2)] = words[++i] as string;
    } else if (!word.startsWith('-') || word === '-') {
      if (seenCommand) typed.positionals++;
      else typed.spec = commandNamed(word);
      seenCommand = true;
    }
  }
  return typed;
}

/** Stored keys, from the stores the words select; only keys are read, never a secret. */
async function storedKeys(values: Record<string, string>, io: Io): Promise<string[]> {
  const quiet: Io = { ...io, stderr: { write: () => true } };
  try {
    return await (await selectStores({ file: values.file, store: values.store }, quiet)).chain.list();
  } catch {
    return [];
  }
}

/** The candidates for the last word, given the words before it. */
export async function candidates(words: readonly string[], io: Io): Promise<string[]> {
  const current = words.at(-1) ?? '';
  const typed = read(words.slice(0, -1));
  if (typed.valueOf) return [...(optionsOf(typed.spec)[typed.valueOf]?.complete ?? [])];
  if (current.startsWith('-')) return Object.keys(optionsOf(typed.spec)).map((n) => `--${n}`);
  if (!typed.spec) return commands.map((c) => c.name);
  if (typed.spec.name === 'help' && typed.positionals === 0) return commands.map((c) => c.name);
  if (typed.spec.name === 'completion' && typed.positionals === 0) return ['bash', 'zsh'];
  if (typed.spec.positionals[typed.positionals]?.completeKeys) return storedKeys(typed.values, io);
  return [];
}

/** `auth __complete <words…>`: the candidates that start with the last word, one a line. */
export async function complete(words: readonly string[], io: Io): Promise<number> {
  const current = words.at(-1) ?? '';
  const found = (await candidates(words.length ? words : [''], io)).filter((c) => c.startsWith(current));
  if (found.length) io.stdout.write(`${found.join('\n')}\n`);
  return 0;
}
