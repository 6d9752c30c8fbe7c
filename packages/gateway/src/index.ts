export type { AccessLogEntry, AccessLogger } from './access-log.js';
export type { GatewayOptions, GatewayRouter } from './gateway-options.js';
export type { BudgetStatus, CacheStatus, GatewayStatus, ModelStatus } from './gateway-status.js';
export type { Gateway } from './start-gateway.js';
export { startGateway } from './start-gateway.js';
export type { VirtualKey } from './virtual-keys.js';
export { hashKey } from './virtual-keys.js';
