/**
 * Helpers for what a file supplies: names, keys and JSON values that end up in error sentences and warnings, or
 * that are looked up in Graft's own tables. A hostile file can make them arbitrarily long, deeply nested, or equal
 * to `constructor` / `__proto__`, which a plain object answers from its prototype.
 */

/** `s` cut to `max` characters, saying how long it was. */
export function clip(s: string, max = 200): string {
  return s.length <= max ? s : `${s.slice(0, max)}… (${s.length} characters)`;
}

/**
 * A short, bounded rendering of a JSON value for an error sentence: never recursive over more than a few levels,
 * never more than a few items, never longer than `max` (JSON.stringify of a deeply nested value overflows the stack).
 */
export function describeJson(v: unknown, max = 120): string {
  const render = (x: unknown, depth: number): string => {
    if (x === null || typeof x !== 'object') {
      const s = typeof x === 'string' ? JSON.stringify(clip(x, max)) : typeof x === 'bigint' ? `${x}` : String(JSON.stringify(x) ?? typeof x);
      return s;
    }
    if (depth >= 3) return Array.isArray(x) ? '[…]' : '{…}';
    if (Array.isArray(x)) {
      const items = x.slice(0, 8).map((i) => render(i, depth + 1));
      return `[${items.join(', ')}${x.length > 8 ? `, … ${x.length - 8} more` : ''}]`;
    }
    const keys = Object.keys(x);
    const items = keys.slice(0, 6).map((k) => `${JSON.stringify(clip(k, 40))}: ${render((x as Record<string, unknown>)[k], depth + 1)}`);
    return `{${items.join(', ')}${keys.length > 6 ? `, … ${keys.length - 6} more` : ''}}`;
  };
  return clip(render(v, 0), max);
}

/** `table[key]` only where `table` itself has `key` (never what Object.prototype answers for `constructor`, `toString`...). */
export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Sets `obj[key]` as an own property, even for `__proto__` (which plain assignment would take as the prototype). */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * One warning line for one kind of finding, however many items a file makes it about: `one(item)` for a single
 * item, `many(count, "a, b, c and N more")` for several (a hostile file can make a million).
 */
export function oneLine(items: readonly string[], one: (item: string) => string, many: (count: number, some: string) => string): string[] {
  if (items.length === 0) return [];
  return [items.length === 1 ? one(items[0]!) : many(items.length, listSome(items))];
}

/** `a, b, c and 12 more` */
export function listSome(items: readonly string[], total = items.length, keep = 3): string {
  const shown = items.slice(0, keep).map((s) => clip(s, 120));
  const more = total - shown.length;
  if (more <= 0) return shown.length <= 1 ? (shown[0] ?? '') : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
  return `${shown.join(', ')} and ${more} more`;
}
