/** supported-calendar-component-set (RFC 4791 §5.2.3), kept in the folder's props. */
import type { Folder } from '../../../src/model/types.js';

export const ALL_COMPONENTS = ['VEVENT', 'VTODO', 'VJOURNAL'];

export function calendarComponents(f: Folder): string[] {
  const c = f.props['davComponents'];
  if (Array.isArray(c) && c.every((x) => typeof x === 'string')) return c as string[];
  return f.kind === 'tasks' ? ['VTODO'] : ['VEVENT', 'VTODO'];
}
