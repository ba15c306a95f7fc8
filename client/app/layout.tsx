import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { Header } from '@/components/layout/Header';
import { getCurrentUser } from '@/lib/server-api';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'MicroTick — resale tickets', template: '%s · MicroTick' },
  description: 'Buy and sell tickets safely: every order holds the ticket for you while you pay.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#4338ca' };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await getCurrentUser();
  return (
    <html lang="en">
      <body>
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        <Header user={user} />
        <main id="main" className="container main" tabIndex={-1}>
          {children}
        </main>
        <footer className="site-footer container muted small">MicroTick — a ticket resale marketplace.</footer>
      </body>
    </html>
  );
}
