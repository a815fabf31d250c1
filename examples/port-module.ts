// The real bitmap allocator (the port) behind the documented allocator interface — the shape a
// user's module takes (docs/allocator-interface.md): `npx framecheck --allocator
// ./examples/port-module.ts` checks it with every property and finds exactly what
// `--allocator port` finds. Its adapter, src/targets/in-process-target.ts, is a complete example of
// the interface.
import { inProcessModule } from '../src/targets/in-process-target.js';
import type { AllocatorModuleExports } from '../src/targets/module-target.js';
import { PORT_ALLOCATOR } from '../src/targets/port-target.js';

export const createAllocator: AllocatorModuleExports['createAllocator'] = (options) => inProcessModule(PORT_ALLOCATOR, options);
