// The THREAD algorithms of RFC 5256 §3, ORDEREDSUBJECT and REFERENCES, over small records taken
// from the cached parse (no message is read). Input is in mailbox order, which breaks ties
// between equal sent dates. The result is a forest; a node without `id` is a dummy (a message
// referred to but not in the result), which after pruning can only stand at the top.
import { asciiCasemapKey, baseSubject } from './base-subject.js';

export interface ThreadMessage {
  /** What the answer shows: the sequence number or the UID. */
  id: number;
  /** Message-ID without angle brackets; null when absent. */
  messageId: string | null;
  /** References ids in order; when empty, the In-Reply-To id (RFC 5256 §3 REFERENCES step 1). */
  references: string[];
  /** The decoded Subject. */
  subject: string;
  /** Sent date (RFC 5256 §2.2), epoch ms. */
  date: number;
}

export interface ThreadNode { id: number | null; children: ThreadNode[] }

/** RFC 5256 §3 ORDEREDSUBJECT: groups by base subject; first message of each group at the top,
 * the others its children; groups ordered by the sent date of their first message. */
export function orderedSubject(messages: ThreadMessage[]): ThreadNode[] {
  const rows = messages.map((m, position) => ({ m, position, subject: asciiCasemapKey(baseSubject(m.subject).base) }));
  rows.sort((a, b) => Buffer.compare(a.subject, b.subject) || a.m.date - b.m.date || a.position - b.position);
  const threads: Array<{ node: ThreadNode; date: number; position: number }> = [];
  for (let i = 0; i < rows.length; ) {
    let j = i + 1;
    while (j < rows.length && rows[j].subject.equals(rows[i].subject)) j++;
    const children = rows.slice(i + 1, j).map((r) => ({ id: r.m.id, children: [] }));
    threads.push({ node: { id: rows[i].m.id, children }, date: rows[i].m.date, position: rows[i].position });
    i = j;
  }
  threads.sort((a, b) => a.date - b.date || a.position - b.position);
  return threads.map((t) => t.node);
}

/** A message or a dummy while threading (JWZ's "container"). */
interface Container {
  message: (ThreadMessage & { position: number; subjectKey: Buffer; replyOrForward: boolean }) | null;
  parent: Container | null;
  children: Container[];
}

function isAncestor(candidate: Container, of: Container): boolean {
  // A container without children is nobody's ancestor but its own (the common case: a new reply).
  if (candidate.children.length === 0) return candidate === of;
  for (let c: Container | null = of; c; c = c.parent) if (c === candidate) return true;
  return false;
}

/**
 * Every container under `roots`, each after its parent (pre-order). The passes below walk it
 * backwards (children before parents) rather than recursing: a reply chain thousands of
 * messages deep must not exhaust the stack.
 */
function preOrder(roots: Container[]): Container[] {
  const order: Container[] = [];
  const stack = [...roots];
  while (stack.length > 0) {
    const c = stack.pop()!;
    order.push(c);
    for (const child of c.children) stack.push(child);
  }
  return order;
}

function unlink(child: Container): void {
  if (!child.parent) return;
  const siblings = child.parent.children;
  siblings.splice(siblings.indexOf(child), 1);
  child.parent = null;
}

/** Links parent → child unless that would make a loop (RFC 5256 §3 step 1.A/B). */
function link(parent: Container, child: Container): void {
  if (isAncestor(child, parent)) return;
  child.parent = parent;
  parent.children.push(child);
}

/** The date and position a container sorts by: its own, or its first child's for a dummy (steps 4, 6). */
function sortMessage(c: Container): { date: number; position: number } {
  const m = c.message ?? c.children[0]?.message;
  return m ? { date: m.date, position: m.position } : { date: Infinity, position: Infinity };
}

function sortSiblings(list: Container[]): void {
  const keys = new Map(list.map((c) => [c, sortMessage(c)]));
  list.sort((a, b) => keys.get(a)!.date - keys.get(b)!.date || keys.get(a)!.position - keys.get(b)!.position);
}

/** Step 6 (children before their parents, so that a dummy's first child is known). */
function sortTree(roots: Container[]): void {
  const order = preOrder(roots);
  for (let i = order.length - 1; i >= 0; i--) sortSiblings(order[i].children);
  sortSiblings(roots);
}

/** Step 3: dummies without children go; others give their children to their parent's level,
 * except at the top when they have more than one. */
function pruneLevel(list: Container[], top: boolean): Container[] {
  const out: Container[] = [];
  for (const c of list) {
    if (c.message) out.push(c);
    else if (c.children.length === 0) continue;
    else if (!top || c.children.length === 1) for (const child of c.children) out.push(child);
    else out.push(c);
  }
  return out;
}

function prune(roots: Container[]): Container[] {
  const order = preOrder(roots);
  // Children before parents: a dummy's children are pruned before it gives them away.
  for (let i = order.length - 1; i >= 0; i--) {
    const c = order[i];
    c.children = pruneLevel(c.children, false);
    for (const child of c.children) child.parent = c;
  }
  return pruneLevel(roots, true);
}

function threadSubject(c: Container): { key: Buffer; replyOrForward: boolean } | null {
  const m = c.message ?? c.children[0]?.message;
  return m && m.subjectKey.length > 0 ? { key: m.subjectKey, replyOrForward: m.replyOrForward } : null;
}

/** Step 5: threads whose thread subject is the same are merged. */
function mergeBySubject(roots: Container[]): Container[] {
  const table = new Map<string, Container>();
  for (const c of roots) {
    const s = threadSubject(c);
    if (!s) continue;
    const k = s.key.toString('latin1');
    const held = table.get(k);
    if (!held) table.set(k, c);
    else if (held.message && (!c.message || (held.message.replyOrForward && !s.replyOrForward))) table.set(k, c);
  }
  const merged = new Set<Container>();
  const replaced = new Map<Container, Container>();
  for (const c of roots) {
    // Merged into another thread, or put under a new dummy already: done with.
    if (merged.has(c) || replaced.has(c)) continue;
    const s = threadSubject(c);
    if (!s) continue;
    const k = s.key.toString('latin1');
    const held = table.get(k)!;
    if (held === c) continue;
    merged.add(c);
    if (!held.message && !c.message) {
      for (const child of c.children) { child.parent = held; held.children.push(child); }
    } else if (!held.message || (c.message!.replyOrForward && !held.message.replyOrForward)) {
      c.parent = held;
      held.children.push(c);
    } else {
      const dummy: Container = { message: null, parent: null, children: [held, c] };
      held.parent = dummy;
      c.parent = dummy;
      replaced.set(held, dummy);
      table.set(k, dummy);
    }
  }
  return roots.filter((c) => !merged.has(c)).map((c) => replaced.get(c) ?? c);
}

function toNodes(roots: Container[]): ThreadNode[] {
  const out: ThreadNode[] = [];
  const stack: Array<[Container, ThreadNode[]]> = [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push([roots[i], out]);
  while (stack.length > 0) {
    const [c, into] = stack.pop()!;
    const node: ThreadNode = { id: c.message?.id ?? null, children: [] };
    into.push(node);
    for (let i = c.children.length - 1; i >= 0; i--) stack.push([c.children[i], node.children]);
  }
  return out;
}

/** RFC 5256 §3 REFERENCES (after JWZ): parent/child links from References (or In-Reply-To),
 * dummies pruned, top-level threads merged by base subject, siblings sorted by sent date. */
export function referencesThreads(messages: ThreadMessage[]): ThreadNode[] {
  const byId = new Map<string, Container>();
  const all: Container[] = [];
  const containerOf = (id: string): Container => {
    let c = byId.get(id);
    if (!c) {
      c = { message: null, parent: null, children: [] };
      byId.set(id, c);
      all.push(c);
    }
    return c;
  };
  messages.forEach((m, position) => {
    const { base, replyOrForward } = baseSubject(m.subject);
    const message = { ...m, position, subjectKey: asciiCasemapKey(base), replyOrForward };
    // Step 1.A: a message without a Message-ID, or with one an earlier message has, gets an id of its own.
    let own: Container;
    if (m.messageId !== null && !byId.get(m.messageId)?.message) own = containerOf(m.messageId);
    else {
      own = { message: null, parent: null, children: [] };
      all.push(own);
    }
    own.message = message;
    let previous: Container | null = null;
    for (const ref of m.references) {
      const c = containerOf(ref);
      // A link already made is kept; none that would make a loop is made.
      if (previous && previous !== c && !c.parent) link(previous, c);
      previous = c;
    }
    // Step 1.B: the last reference is the parent, replacing what a truncated References said.
    unlink(own);
    if (previous && previous !== own) link(previous, own);
  });
  // Step 2: the messages without parent are the top level.
  let roots = prune(all.filter((c) => !c.parent));
  // Step 4: the top level by sent date (a dummy by its earliest child) before grouping by subject.
  for (const c of roots) if (!c.message) sortSiblings(c.children);
  sortSiblings(roots);
  roots = mergeBySubject(roots);
  sortTree(roots);
  return toNodes(roots);
}
