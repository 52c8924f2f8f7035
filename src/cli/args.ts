/**
 * A small argv parser: positionals plus `--flag value` / `--flag=value` / boolean `--flag`.
 * Unknown flags are errors, so a typo never silently reads the latest version.
 */
export interface Parsed {
  positionals: string[];
  flags: Map<string, string | true>;
}

export function parseArgs(argv: string[], valued: Set<string>, booleans: Set<string>): Parsed {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (valued.has(name)) {
        const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) throw new UsageError(`--${name} needs a value`);
        flags.set(name, v);
      } else if (booleans.has(name)) {
        if (eq > 0) throw new UsageError(`--${name} takes no value`);
        flags.set(name, true);
      } else throw new UsageError(`unknown option --${name}`);
    } else if (a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) {
      if (a === '-h') flags.set('help', true);
      else throw new UsageError(`unknown option ${a}`);
    } else positionals.push(a);
  }
  return { positionals, flags };
}

export class UsageError extends Error {}
