export * from './agents.contract.js';
export * from './client.js';
export * from './errors.contract.js';
export * from './events.contract.js';
export * from './agent-tools.contract.js';
export * from './gateway-tools.contract.js';
