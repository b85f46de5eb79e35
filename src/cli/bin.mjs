#!/usr/bin/env node
// The `callpass` command (`npx callpass`). The CLI is TypeScript built into dist/, so this first builds it when there
// is no build yet or a source changed, as `npm start` does. Plain JavaScript: it has to run before anything is compiled.
import './build-if-stale.mjs';

await import('../../dist/cli/callpass.js');
