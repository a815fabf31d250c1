#!/usr/bin/env node
// The framecheck command. framecheck runs from its TypeScript sources through tsx's loader, so there
// is no build step between a clone and a campaign.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const { watchForInterrupt, endInterruptWatch } = await import('../src/cli/interrupt-watch.ts');
watchForInterrupt();
try {
  process.exitCode = main(process.argv.slice(2));
} finally {
  endInterruptWatch();
}
