/**
 * Ghosted properties ([MS-ASCMD] 2.2.3.179 Supported; [MS-ASCNTC] 3.1.5.3 and [MS-ASCAL] 3.1.5.3
 * "ghosted properties"). A client may name, in its first Sync of a Contacts or Calendar folder,
 * the elements it manages. On its Change of an item:
 * - an element it sends is written;
 * - an element it manages (listed, or every element when it sent no Supported) and does not send
 *   is deleted;
 * - an element it does not manage (ghosted) keeps its stored value.
 *
 * The converters describe which stored properties (and components) each group of elements
 * feeds. A group whose elements are all ghosted and absent leaves its properties out of the patch
 * (kept byte for byte, even what ActiveSync cannot express); a group only partly so (N from
 * FirstName/LastName/Title ..., one TEL slot among many) gets the ghosted elements' stored values
 * added to the Change before it is converted.
 */
import type { PatchSpec } from '../../../src/pim/patch.js';
import type { WbxmlElement } from '../wbxml/types.js';

export interface GhostGroup {
  /** Element local names (Contacts, Contacts2, Calendar, AirSyncBase). */
  tags: readonly string[];
  /** Upper-case property names of `component` these elements produce. */
  props: readonly string[];
  /** Sub-components these elements produce (VALARM for Reminder, VEVENT overrides for Exceptions). */
  comps?: readonly string[];
}

export interface GhostPlan {
  /** Properties and components left out of the patch: their stored text stays. */
  keepProps: Set<string>;
  keepComps: Set<string>;
  /** Elements to take from the stored object and add to the Change. */
  inject: Set<string>;
}

/**
 * What a Change leaves alone. `supported` undefined: the client sent no Supported (nothing is
 * ghosted); an empty list: every element that can be ghosted is.
 */
export function ghostPlan(groups: readonly GhostGroup[], appData: WbxmlElement[], supported: readonly string[] | undefined): GhostPlan | null {
  if (supported === undefined) return null;
  const sent = new Set(appData.map((x) => x.tag));
  const managed = new Set(supported);
  const ghosted = (tag: string) => !managed.has(tag) && !sent.has(tag);
  const plan: GhostPlan = { keepProps: new Set(), keepComps: new Set(), inject: new Set() };
  for (const g of groups) {
    const gone = g.tags.filter(ghosted);
    if (gone.length === 0) continue;
    if (gone.length === g.tags.length) {
      for (const p of g.props) plan.keepProps.add(p);
      for (const c of g.comps ?? []) plan.keepComps.add(c);
    } else {
      for (const t of gone) plan.inject.add(t);
    }
  }
  return plan.keepProps.size || plan.keepComps.size || plan.inject.size ? plan : null;
}

/** The Change with the stored values of the elements to inject (taken from the stored object's ApplicationData). */
export function injectStored(appData: WbxmlElement[], stored: () => WbxmlElement[], plan: GhostPlan): WbxmlElement[] {
  if (plan.inject.size === 0) return appData;
  return [...appData, ...stored().filter((x) => plan.inject.has(x.tag))];
}

/** `spec` without the kept properties (in `component` and its overrides) and kept components. */
export function withoutGhosted(spec: PatchSpec, component: string, plan: GhostPlan): PatchSpec {
  if (plan.keepProps.size === 0 && plan.keepComps.size === 0) return spec;
  const managed: Record<string, readonly string[]> = { ...spec.managed };
  managed[component] = (spec.managed[component] ?? []).filter((p) => !plan.keepProps.has(p));
  return { ...spec, managed, managedComponents: (spec.managedComponents ?? []).filter((c) => !plan.keepComps.has(c)) };
}
