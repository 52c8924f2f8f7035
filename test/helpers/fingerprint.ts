/**
 * A folder's exact state, for read-only checks: every file with size, mtime and SHA-256, every
 * folder with its entry names, every symlink with its target.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export function fingerprint(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    const abs = path.join(dir, rel);
    const st = fs.lstatSync(abs);
    if (st.isDirectory()) {
      const names = fs.readdirSync(abs).sort();
      out.set(rel || '.', `dir ${names.join('/')}`);
      for (const n of names) walk(rel ? path.join(rel, n) : n);
    } else if (st.isSymbolicLink()) out.set(rel, `link ${fs.readlinkSync(abs)}`);
    else out.set(rel, `file ${st.size} ${st.mtimeMs} ${crypto.createHash('sha256').update(fs.readFileSync(abs)).digest('hex')}`);
  };
  walk('');
  return out;
}

/** Entries that differ between two fingerprints, described, or [] when identical. */
export function fingerprintChanges(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k)).map((k) => `${k}: ${before.get(k) ?? 'absent'} → ${after.get(k) ?? 'absent'}`);
}
