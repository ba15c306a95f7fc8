import { Router } from 'express';

export function currentUserRouter(): Router {
  return Router().get('/api/users/currentuser', (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ currentUser: req.currentUser ?? null });
  });
}
