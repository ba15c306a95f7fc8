/**
 * Auth consumes no subject: users and sessions start here, and nothing another service decides changes
 * them. What auth publishes, user.session-revoked, is recorded with the revocation (store/sessions.ts).
 */
export {};
