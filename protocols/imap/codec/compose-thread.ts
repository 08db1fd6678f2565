// THREAD response data (RFC 5256 §4): thread-list = "(" (thread-members / thread-nested) ")",
// thread-members = nz-number *(SP nz-number) [SP thread-nested], thread-nested = 2*thread-list.
// A chain of only children is written flat ("1 2 3"); several children each get their own list;
// a node without number (a dummy, only at the top) writes its children's lists alone. Written
// with an explicit stack: a thread may be nested thousands deep.

export interface ThreadTree { id: number | null; children: ThreadTree[] }

/** The threads as written after "THREAD" (without the leading space): "(3 2)(1 (4)(5))". */
export function composeThreads(threads: ThreadTree[]): string {
  const parts: string[] = [];
  const stack: Array<ThreadTree | string> = [];
  for (let i = threads.length - 1; i >= 0; i--) stack.push(threads[i]);
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === 'string') {
      parts.push(item);
      continue;
    }
    // thread-members: follow the only child as long as there is exactly one.
    const ids: number[] = [];
    let n = item;
    while (n.id !== null && n.children.length === 1) {
      ids.push(n.id);
      n = n.children[0];
    }
    if (n.id !== null) ids.push(n.id);
    const nested = n.children.length > (n.id === null ? 0 : 1) ? n.children : [];
    parts.push('(', ids.join(' '), ids.length > 0 && nested.length > 0 ? ' ' : '');
    stack.push(')');
    for (let i = nested.length - 1; i >= 0; i--) stack.push(nested[i]);
  }
  return parts.join('');
}
