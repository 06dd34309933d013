/**
 * Where a JSON text first goes wrong, as line and column: JSON.parse's messages differ between engines and recent
 * V8 ones give no position, so a small scanner finds it (only run after JSON.parse failed).
 */
export interface JsonErrorAt {
  line: number;
  column: number;
  offset: number;
  found: string;
}

export function locateJsonError(text: string): JsonErrorAt | null {
  const scanner = new JsonScanner(text);
  try {
    scanner.document();
    return null;
  } catch (at) {
    if (typeof at !== 'number') return null;
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    const column = at - before.lastIndexOf('\n');
    const found = at >= text.length ? 'the end of the text' : JSON.stringify(text.slice(at, at + 1));
    return { line, column, offset: at, found };
  }
}

/** A JSON scanner that throws the offset where the text first stops being JSON. */
class JsonScanner {
  private i = 0;

  constructor(private readonly text: string) {}

  document(): void {
    this.value();
    this.ws();
    if (this.i < this.text.length) this.fail();
  }

  private ws(): void {
    while (this.i < this.text.length && ' \t\n\r'.includes(this.text[this.i]!)) this.i++;
  }

  private fail(): never {
    throw this.i;
  }

  private lit(s: string): void {
    for (const c of s) {
      if (this.text[this.i] !== c) this.fail();
      this.i++;
    }
  }

  private str(): void {
    const text = this.text;
    this.lit('"');
    for (;;) {
      if (this.i >= text.length) this.fail();
      const c = text.charCodeAt(this.i);
      if (c === 0x22) {
        this.i++;
        return;
      }
      if (c < 0x20) this.fail();
      if (c === 0x5c) this.escape();
      else this.i++;
    }
  }

  /** The escape after a backslash at `i`. */
  private escape(): void {
    const text = this.text;
    this.i++;
    const e = text[this.i];
    if (e === 'u') {
      for (let k = 1; k <= 4; k++) if (!/[0-9a-fA-F]/.test(text[this.i + k] ?? '')) {
        this.i += k;
        this.fail();
      }
      this.i += 5;
    } else if (e !== undefined && '"\\/bfnrt'.includes(e)) this.i++;
    else this.fail();
  }

  private number(): void {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.i, this.i + 400));
    if (!m || m[0] === '-' || m[0].length === 0) this.fail();
    this.i += m![0].length;
  }

  /** An object key and its colon. */
  private key(): void {
    this.ws();
    this.str();
    this.ws();
    this.lit(':');
  }

  /**
   * One value with everything nested in it. Containers are kept on a stack rather than by recursion, so deep
   * nesting fails at the depth limit, not with a stack overflow.
   */
  private value(): void {
    const text = this.text;
    const closers: string[] = [];
    for (;;) {
      if (closers.length > 10000) this.fail();
      this.ws();
      const c = text[this.i];
      if (c === '{' || c === '[') {
        const close = c === '{' ? '}' : ']';
        this.i++;
        this.ws();
        if (text[this.i] !== close) {
          closers.push(close);
          if (close === '}') this.key();
          continue;
        }
        this.i++;
      } else if (c === '"') this.str();
      else if (c === 't') this.lit('true');
      else if (c === 'f') this.lit('false');
      else if (c === 'n') this.lit('null');
      else this.number();
      // A value is complete: close the containers it completes, then start the next member.
      for (;;) {
        const close = closers[closers.length - 1];
        if (close === undefined) return;
        this.ws();
        if (text[this.i] === close) {
          this.i++;
          closers.pop();
          continue;
        }
        if (text[this.i] !== ',') this.fail();
        this.i++;
        if (close === '}') this.key();
        break;
      }
    }
  }
}
