// THREAD response data (RFC 5256 §4): thread-list = "(" (thread-members / thread-nested) ")",
// thread-members = nz-number *(SP nz-number) [SP thread-nested], thread-nested = 2*thread-list.
// A chain of only children is written flat ("1 2 3"); several children each get their own list;
// a node without number (a dummy, only at the top) writes its children's lists alone.

export interface ThreadTree { id: number | null; children: ThreadTree[] }

function members(node: ThreadTree): string {
  const ids: number[] = [];
  let n = node;
  while (n.id !== null && n.children.length === 1) {
    ids.push(n.id);
    n = n.children[0];
  }
  if (n.id !== null) ids.push(n.id);
  const nested = n.children.length > (n.id === null ? 0 : 1) ? n.children.map(threadList).join('') : '';
  return [ids.join(' '), nested].filter(Boolean).join(' ');
}

function threadList(node: ThreadTree): string {
  return `(${members(node)})`;
}

/** The threads as written after "THREAD" (without the leading space): "(3 2)(1 (4)(5))". */
export function composeThreads(threads: ThreadTree[]): string {
  return threads.map(threadList).join('');
}
