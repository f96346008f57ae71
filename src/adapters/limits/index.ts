export { createCommandLimiter, type CommandLimiterOptions, type UserCommandLimiter } from './command-limiter.js';
export { createHostScanGate, type HostScanGate } from './host-scan-gate.js';
export { createFixBrake, brakeMessage, type BrakeRefusal, type FixBrake, type FixBrakeOptions } from './fix-brake.js';
export { limitCeph, limitCephByPriority, limitNova, limitNovaByPriority } from './limit-ports.js';
export { QueueFullError, type PortLimitOptions } from './port-scheduler.js';
