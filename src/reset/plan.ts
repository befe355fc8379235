import { UsageError } from '../errors.js';
import type { ForeignKeyEdge, InheritanceEdge, SequenceRef, SequenceUse, TableRef } from './catalog.js';

export interface ResetPlan {
  /** Emptied by name: the managed tables not kept. Their partitions and children go with them. */
  truncate: TableRef[];
  /** Kept: the migration bookkeeping, `--keep` and `reset.keep`, and the children of those. */
  kept: TableRef[];
  /**
   * Not managed (another schema, or owned by an extension) but referencing an emptied table, so
   * emptied too: named in the same TRUNCATE after `truncate`. A partitioned table stands for its
   * partitions.
   */
  cascaded: TableRef[];
  /** Sequences no emptied table owns, used only by emptied tables' column defaults: restarted too. */
  sequences: SequenceRef[];
}

export interface PlanInput {
  tables: TableRef[];
  /** Every foreign key, including the per-partition copies. */
  foreignKeys: ForeignKeyEdge[];
  /** Partitions and inheritance children: TRUNCATE of a table empties them as well. */
  inheritance?: InheritanceEdge[];
  sequences?: SequenceUse[];
  /** Never emptied: the migration bookkeeping tables. */
  bookkeeping: TableRef[];
  /** `--keep` names (`table` or `schema.table`): each must name a managed table. */
  keep: string[];
  /** `reset.keep` from the config: names of tables that may not exist yet are ignored. */
  configKeep: string[];
}

export const qualified = (t: TableRef) => `${t.schema}.${t.table}`;
const key = (t: TableRef) => JSON.stringify([t.schema, t.table]);
const inByteOrder = (a: TableRef, b: TableRef) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/** Why a table is emptied: it is named in the TRUNCATE, or covered by `named` (its ancestor there). */
interface Emptied {
  named: TableRef;
  /** The managed table whose emptying started it all: what to keep to keep this one. */
  origin: TableRef;
  /** Set when `named` is emptied only because of this foreign key. */
  via?: ForeignKeyEdge;
}

/**
 * Decides what reset empties and restarts, refusing up front, with nothing emptied yet, whatever
 * would empty or renumber a kept table: a kept table (or one of its partitions) that references
 * an emptied one, a kept child of an emptied parent, a kept table numbered by a sequence that
 * RESTART IDENTITY restarts. The TRUNCATE then names every table it empties and has no CASCADE,
 * so Postgres refuses (instead of silently widening) should this plan have missed a reference.
 */
export function planReset(input: PlanInput): ResetPlan {
  // Each refusal names the one emptied table a kept one needs; keeping it may show the next, so
  // the plan is tried again with it kept until it holds, and the refusal names them all at once
  // (a real schema needed eleven runs of one name each).
  const also: TableRef[] = [];
  let first: UsageError | undefined;
  for (;;) {
    let plan: ResetPlan | undefined;
    try {
      plan = planKeeping(input, also);
    } catch (error) {
      const origin = origins.get(error as Error);
      if (!origin || also.some((t) => key(t) === key(origin))) throw error;
      first ??= error as UsageError;
      also.push(origin);
    }
    if (plan && !first) return plan;
    if (plan) throw closure(first!, also);
  }
}

/** The table a keep conflict asks to keep as well, by refusal. */
const origins = new WeakMap<Error, TableRef>();

function closure(first: UsageError, also: TableRef[]): UsageError {
  const names = also.map(qualified);
  return new UsageError(first.message, {
    hint: `keep ${names.join(', ')} as well (${names.map((n) => `--keep ${n}`).join(' ')})`,
    data: { ...first.data, keepAlso: names },
  }, 'reset_keep_conflict');
}

function planKeeping(input: PlanInput, also: TableRef[]): ResetPlan {
  const inheritance = input.inheritance ?? [];
  const children = new Map<string, TableRef[]>();
  const parentOf = new Map<string, InheritanceEdge>();
  for (const edge of inheritance) {
    children.set(key(edge.parent), [...(children.get(key(edge.parent)) ?? []), edge.child]);
    parentOf.set(key(edge.child), edge);
  }
  /** `t` and everything TRUNCATE `t` reaches through partitions and inheritance. */
  const family = (t: TableRef): TableRef[] => [t, ...(children.get(key(t)) ?? []).flatMap(family)];

  const keptNames = new Set([...input.bookkeeping, ...also].map(key));
  for (const name of input.keep) keptNames.add(key(findKeep(input.tables, inheritance, name)));
  for (const name of input.configKeep) {
    const found = findTable(input.tables, name);
    if (found) keptNames.add(key(found));
  }
  // A kept table keeps its partitions and children: its own TRUNCATE would have taken them along.
  const keeper = new Map<string, TableRef>();
  for (const t of input.tables) if (keptNames.has(key(t))) for (const d of family(t)) if (!keeper.has(key(d))) keeper.set(key(d), t);
  const kept = input.tables.filter((t) => keeper.has(key(t)));
  const truncate = input.tables.filter((t) => !keeper.has(key(t)));

  const emptied = new Map<string, Emptied>();
  const empty = (t: TableRef, why: Emptied) => {
    for (const d of family(t)) {
      if (emptied.has(key(d))) continue;
      if (keeper.has(key(d))) {
        // Only a classic inheritance child can get here: partitions are never listed on their own.
        throw conflict(`cannot keep ${qualified(d)}: it inherits from ${qualified(parentOf.get(key(d))!.parent)}, which reset empties (with its children)`, why.origin, { table: qualified(d) });
      }
      emptied.set(key(d), why);
    }
  };
  for (const t of truncate) empty(t, { named: t, origin: t });

  // Follow foreign keys backwards until nothing new would be emptied. A table reached only this
  // way is cascaded: reported, and named in the TRUNCATE so that no CASCADE is needed.
  const cascaded: TableRef[] = [];
  for (let grew = true; grew; ) {
    grew = false;
    for (const fk of input.foreignKeys) {
      const target = emptied.get(key(fk.to));
      if (!target || emptied.has(key(fk.from))) continue;
      const holder = keeper.get(key(fk.from));
      if (holder) {
        const subject = key(holder) === key(fk.from) ? 'it' : `its ${parentOf.get(key(fk.from))?.partition ? 'partition' : 'child'} ${qualified(fk.from)}`;
        throw conflict(`cannot keep ${qualified(holder)}: ${subject} references ${qualified(fk.to)} (foreign key ${fk.name}), which reset empties${howEmptied(fk.to, target)}`, target.origin, {
          constraint: fk.name,
          table: qualified(fk.from),
          references: qualified(fk.to),
        });
      }
      cascaded.push(fk.from);
      empty(fk.from, { named: fk.from, origin: target.origin, via: fk });
      grew = true;
    }
  }
  // A partition reached before its parent is covered by the parent's TRUNCATE: name the parent only.
  const isCascaded = new Set(cascaded.map(key));
  const hasCascadedAncestor = (t: TableRef): boolean => {
    const up = parentOf.get(key(t))?.parent;
    return !!up && (isCascaded.has(key(up)) || hasCascadedAncestor(up));
  };

  return { truncate, kept, cascaded: cascaded.filter((t) => !hasCascadedAncestor(t)).sort(inByteOrder), sequences: sequencesToRestart(input.sequences ?? [], emptied, keeper) };
}

/**
 * TRUNCATE … RESTART IDENTITY restarts the sequences owned by an emptied table's columns; reset
 * restarts as well a sequence no column owns (`create sequence s` + `default nextval('s')`) when
 * emptied tables' defaults use it. But a sequence that also numbers rows reset does not empty
 * must go on counting, or those tables' next rows would repeat ids: such a sequence is left alone
 * when no emptied table owns it, and refused when one does (RESTART IDENTITY cannot skip it).
 */
function sequencesToRestart(uses: SequenceUse[], emptied: Map<string, Emptied>, keeper: Map<string, TableRef>): SequenceRef[] {
  const bySequence = new Map<string, { sequence: SequenceRef; owners: TableRef[]; users: TableRef[] }>();
  for (const use of uses) {
    const id = JSON.stringify([use.sequence.schema, use.sequence.sequence]);
    const entry = bySequence.get(id) ?? { sequence: use.sequence, owners: [], users: [] };
    (use.owned ? entry.owners : entry.users).push(use.table);
    bySequence.set(id, entry);
  }
  const restart: SequenceRef[] = [];
  for (const { sequence, owners, users } of bySequence.values()) {
    const outside = users.filter((u) => !emptied.has(key(u)));
    const owner = owners.find((o) => emptied.has(key(o)));
    if (owner) {
      if (outside.length) {
        const u = outside[0];
        const holder = keeper.get(key(u)) ?? u;
        const why = emptied.get(key(owner))!;
        const subject = key(holder) === key(u) ? 'its default' : `the default of ${qualified(u)}`;
        throw conflict(
          `cannot keep ${qualified(holder)}: ${subject} uses sequence ${sequence.schema}.${sequence.sequence}, which RESTART IDENTITY restarts with ${qualified(why.named)}: its next rows would repeat ids`,
          why.origin,
          { sequence: `${sequence.schema}.${sequence.sequence}`, table: qualified(u) },
        );
      }
    } else if (!owners.length && !outside.length && users.length) {
      restart.push(sequence);
    }
  }
  return restart;
}

/** How `t` comes to be emptied, after "which reset empties". */
function howEmptied(t: TableRef, why: Emptied): string {
  const withNamed = key(why.named) === key(t) ? '' : ` with ${qualified(why.named)}`;
  return `${withNamed}${why.via ? `, as ${qualified(why.named)} references ${qualified(why.via.to)}` : ''}`;
}

function conflict(message: string, origin: TableRef, data: Record<string, unknown>): UsageError {
  const error = new UsageError(message, { hint: `keep ${qualified(origin)} as well (--keep ${qualified(origin)})`, data }, 'reset_keep_conflict');
  origins.set(error, origin);
  return error;
}

/** A `--keep` name: a managed table, else an error that says what to keep instead of a partition. */
function findKeep(tables: TableRef[], inheritance: InheritanceEdge[], name: string): TableRef {
  const found = findTable(tables, name);
  if (found) return found;
  const partitions = inheritance.filter((e) => e.partition);
  const partition = findTable(partitions.map((e) => e.child), name);
  if (partition) {
    let root = partition;
    for (let up = partitions.find((e) => key(e.child) === key(root)); up; up = partitions.find((e) => key(e.child) === key(root))) root = up.parent;
    throw new UsageError(`--keep ${name}: ${qualified(partition)} is a partition, kept or emptied with ${qualified(root)}`, { hint: `keep ${qualified(root)} (--keep ${qualified(root)})` }, 'reset_keep_partition');
  }
  throw new UsageError(`--keep ${name}: no such table in schema(s) ${[...new Set(tables.map((t) => t.schema))].join(', ') || '(none)'}`, {
    hint: `tables: ${tables.map(qualified).slice(0, 20).join(', ') || '(none)'}`,
  });
}

/** `name` as a table name first (it may contain a dot), then as `schema.table`. */
function findTable(tables: TableRef[], name: string): TableRef | undefined {
  const byName = tables.filter((t) => t.table === name);
  if (byName.length === 1) return byName[0];
  const dot = name.indexOf('.');
  if (dot > 0) {
    const [schema, table] = [name.slice(0, dot), name.slice(dot + 1)];
    const found = tables.find((t) => t.schema === schema && t.table === table);
    if (found) return found;
  }
  if (byName.length > 1) {
    throw new UsageError(`--keep ${name}: ambiguous, it exists in schemas ${byName.map((t) => t.schema).join(', ')}`, {
      hint: `qualify it: --keep ${byName[0].schema}.${name}`,
    });
  }
  return undefined;
}
