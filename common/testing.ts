// Test-only helpers: import from '@microtick/common/testing', never from production code.
export * from './src/testing/harness';
export * from './src/infra/processes';
export * from './src/testing/spawn-service';
