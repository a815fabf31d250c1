// Properties of the port's building blocks, beside the stateful campaign: Rust's u64 arithmetic,
// the address and frame types, the JavaScript boundary, and the bitmap's own hint and search. Each
// is checked against an independent statement of what it must do (exact bigint arithmetic, the
// seed's doc comments), not against the port's code.
import type fc from 'fast-check';
import { ADDRESS_PROPERTIES } from './addresses.js';
import { HINT_AND_SEARCH_PROPERTIES } from './hint-and-search.js';
import { JS_BOUNDARY_PROPERTIES } from './js-boundary.js';
import { U64_ARITHMETIC_PROPERTIES } from './u64-arithmetic.js';

export interface ComponentProperty {
  readonly name: string;
  /** What must hold, in the seed's words where it has them. */
  readonly holds: string;
  readonly property: fc.IProperty<any>;
  /** Runs per check: enough to reach every edge its generators aim at (the overflow boundaries, 2^53, 2^64). */
  readonly numRuns: number;
}

export const COMPONENT_PROPERTIES: readonly ComponentProperty[] = [
  ...U64_ARITHMETIC_PROPERTIES,
  ...ADDRESS_PROPERTIES,
  ...JS_BOUNDARY_PROPERTIES,
  ...HINT_AND_SEARCH_PROPERTIES,
];
