/**
 * Glob patterns as VS Code uses them in `files.exclude` and our `lakelens.exclude`: `**` crosses
 * folders, `*` and `?` stay within one segment, `{a,b}` alternates, `[abc]` is a class. A pattern
 * without a slash matches a name at any depth, as in files.exclude (`node_modules` ≡ `**` + `/node_modules`).
 */

/** Compiles a glob to a RegExp over POSIX relative paths. */
export function globToRegExp(glob: string): RegExp {
  let g = glob.trim().replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
  if (!g.includes('/') && !g.startsWith('**')) g = `**/${g}`;
  return new RegExp(`^${convert(g)}$`);
}

function convert(g: string): string {
  let re = '';
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === '*') {
      if (g[i + 1] === '*') {
        const slash = g[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{' && g.indexOf('}', i) > i) {
      const end = g.indexOf('}', i);
      re += `(?:${g.slice(i + 1, end).split(',').map(convert).join('|')})`;
      i = end;
    } else if (c === '[' && g.indexOf(']', i) > i + 1) {
      const end = g.indexOf(']', i);
      re += `[${g.slice(i + 1, end).replace(/^!/, '^').replace(/[\\\]]/g, '\\$&')}]`;
      i = end;
    } else re += c.replace(/[.+^$()|\\{}[\]]/g, '\\$&');
  }
  return re;
}

/** A matcher for several globs: true when a path (or any of its parent folders) matches one. */
export function globMatcher(globs: string[]): (relPath: string) => boolean {
  const res = globs.filter((g) => g.trim() !== '').map(globToRegExp);
  if (res.length === 0) return () => false;
  return (relPath) => {
    const p = relPath.replace(/\\/g, '/');
    return res.some((r) => r.test(p));
  };
}
