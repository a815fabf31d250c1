// The counters and byte statistics: `free_count`, `total_count`, `free_memory`, `total_memory`, `memory_stats`.
import fc from 'fast-check';
import { command, type StepCommand } from './step-command.js';

export const statistics = (): fc.Arbitrary<StepCommand> =>
  fc.constantFrom(
    command({ op: 'free_count' }),
    command({ op: 'total_count' }),
    command({ op: 'free_memory' }),
    command({ op: 'total_memory' }),
    command({ op: 'memory_stats' }),
  );
