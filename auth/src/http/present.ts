/** A user as the API shows it: never the password hash. */
export function presentUser(user: { id: string; email: string }): { id: string; email: string } {
  return { id: user.id, email: user.email };
}
