/**
 * Auth consumes no subject: users and sessions start here, and nothing another service decides changes
 * them. What auth publishes is recorded with the change that causes it: user.created with the sign-up
 * (store/users.ts), user.session-revoked with the revocation (store/sessions.ts).
 */
export {};
