// Dev and test only: never imported by a service's production code.
export * from './roster';
export * from './processes';
export * from './stack/start-stack';
export * from './stack/test-stack';
export * from './testing/harness';
export * from './testing/store-and-bus';
export type { CaughtMail } from './mail/mail-catcher';
export * from './testing/api-client';
export * from './testing/eventually';
export * from './testing/collect-events';
export * from './testing/deliver';
export * from './testing/event-factories';
export * from './testing/spawn-service';
export * from './testing/browser';
export * from './testing/browser-suite';
export * from './testing/stack-suite';
export { INFRASTRUCTURE } from './stack/launch-infrastructure';
export { SERVICE_NODE_FLAGS } from './stack/launch-service';
