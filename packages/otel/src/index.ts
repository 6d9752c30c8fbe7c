export type { InstrumentOptions } from './instrument.js';
export { instrument } from './instrument.js';
export type { SemconvMode } from './semconv.js';
export { METRIC_NAMES, semconvMode } from './semconv.js';
