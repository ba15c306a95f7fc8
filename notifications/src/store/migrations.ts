import { findUp } from '@microtick/common';

export const migrationsDir = findUp(__dirname, 'notifications/migrations');
