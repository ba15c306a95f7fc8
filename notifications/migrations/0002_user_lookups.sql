-- A user's closed orders are looked up at every user.created (closedOrdersOf): by buyer, by the order's
-- seller, and by the ticket's seller for orders recorded before order.created carried one. Without these
-- two indexes the last one read every ticket and every order, once per sign-up.
CREATE INDEX tickets_by_seller ON tickets (seller_id);
CREATE INDEX orders_by_ticket ON orders (ticket_id);
