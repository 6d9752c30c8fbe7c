import { memoryStore } from '@spillway/core';
import { runStoreConformance } from './run-store-conformance.js';

runStoreConformance({ name: 'memoryStore()', makeStore: () => ({ store: memoryStore() }) });
