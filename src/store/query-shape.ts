/**
 * A query built and compiled once, then run with new parameters: Kysely builds an operation
 * tree and compiles it to SQL on every call, which the IMAP bench's profile showed as about a
 * quarter of the server's CPU for a few one-table reads run on every command (the folder row,
 * message states, the change feed). The builder runs once with stand-in arguments; each
 * compiled parameter is then either one of the arguments (found by its stand-in) or a constant
 * of the query, so the same SQL text runs with the caller's values. Only for queries whose SQL
 * does not depend on the argument values (no conditional clauses): the shape is checked once.
 * Reads run with `run`; the hot writes (STORE, mail-flags.ts) are compiled with `compile` and
 * run in their transaction (`on`, or the store's `deferToCommit` and `together`).
 * One per store instance: the SQL text is the dialect's (SQLite and PostgreSQL differ).
 */
import { CompiledQuery, type Compilable, type Kysely } from 'kysely';

type Slot = { arg: number } | { value: unknown };

/**
 * The SQL texts of every shape, each with a statement name: the same text runs again and again,
 * so the PostgreSQL driver prepares it once per connection (pg-driver.ts) and the server neither
 * parses nor plans it again. A fixed set: one text per shape and dialect.
 */
export const shapeNames = new Map<string, string>();

export class QueryShape<Args extends unknown[], Row> {
  private compiled: { sql: string; slots: Slot[] } | null = null;

  constructor(
    private readonly db: Kysely<never>,
    private readonly arity: number,
    private readonly build: (...args: Args) => Compilable<Row>,
  ) {}

  private shape(): { sql: string; slots: Slot[] } {
    if (this.compiled) return this.compiled;
    const standIns = Array.from({ length: this.arity }, (_, i) => `\u0000query-shape-argument-${i}\u0000`);
    const q = this.build(...(standIns as unknown as Args)).compile();
    const slots: Slot[] = q.parameters.map((p) => {
      const arg = standIns.indexOf(p as string);
      return arg >= 0 ? { arg } : { value: p };
    });
    const used = new Set(slots.flatMap((s) => ('arg' in s ? [s.arg] : [])));
    if (used.size !== this.arity) throw new Error('QueryShape: an argument is not a plain parameter of the query');
    this.compiled = { sql: q.sql, slots };
    if (!shapeNames.has(q.sql)) shapeNames.set(q.sql, `hearth_shape_${shapeNames.size + 1}`);
    return this.compiled;
  }

  /** The query with these arguments, to run later (or elsewhere: `on` runs it in a transaction). */
  compile(...args: Args): CompiledQuery<Row> {
    const { sql, slots } = this.shape();
    return CompiledQuery.raw(sql, slots.map((s) => ('arg' in s ? args[s.arg] : s.value))) as CompiledQuery<Row>;
  }

  async run(...args: Args): Promise<Row[]> {
    return (await this.db.executeQuery<Row>(this.compile(...args))).rows;
  }

  /** Runs in `trx` (a transaction of the same database) instead of the store's handle. */
  async on(trx: { executeQuery<R>(q: CompiledQuery<R>): Promise<{ rows: R[] }> }, ...args: Args): Promise<Row[]> {
    return (await trx.executeQuery<Row>(this.compile(...args))).rows;
  }
}
