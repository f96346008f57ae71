export { createCommandLimiter, type CommandLimiterOptions, type UserCommandLimiter } from './command-limiter.js';
export { createFixBrake, brakeMessage, type BrakeCheck, type FixBrake, type FixBrakeOptions } from './fix-brake.js';
export { limitCeph, limitCephByPriority, limitNova } from './limit-ports.js';
export type { PortLimitOptions } from './port-scheduler.js';
