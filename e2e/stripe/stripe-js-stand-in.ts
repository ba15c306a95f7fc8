/**
 * Stripe.js cannot load here (no internet), so browser tests answer the request for it with this script
 * instead. It implements only what the client's Payment Element form and @stripe/react-stripe-js call,
 * and records every call in `window.__stripeStandIn` for the test to read:
 * - `Stripe(key)` → `elements(options)` → `create('payment')`, `mount(node)` (fills the node and fires
 *   'ready'), `submit()`;
 * - `createPaymentMethod({elements})` → `window.__standInPaymentMethod` (a fake Stripe test method name);
 * - `handleNextAction({clientSecret})` → `window.__standInAuthenticate(clientSecret)`, which the test
 *   exposes to play the bank's 3-D Secure step.
 */
export const STRIPE_JS_STAND_IN = `(() => {
  const calls = (window.__stripeStandIn = {
    keys: [], elementsOptions: [], created: [], mounted: [], submits: 0, paymentMethods: 0, nextActions: [],
  });
  function Stripe(key) {
    calls.keys.push(key);
    return {
      elements(options) {
        calls.elementsOptions.push(options);
        return {
          create(type) {
            calls.created.push(type);
            const handlers = {};
            let node = null;
            const element = {
              on(event, handler) { (handlers[event] = handlers[event] || []).push(handler); return element; },
              off(event, handler) { handlers[event] = (handlers[event] || []).filter((h) => h !== handler); return element; },
              mount(target) {
                const parent = typeof target === 'string' ? document.querySelector(target) : target;
                node = document.createElement('p');
                node.dataset.testid = 'stripe-stand-in';
                node.textContent = 'Stripe.js stand-in: ' + type + ' element';
                parent.appendChild(node);
                calls.mounted.push(parent.id);
                setTimeout(() => (handlers.ready || []).forEach((h) => h({ elementType: type })), 0);
              },
              update() {},
              unmount() { node && node.remove(); },
              destroy() { node && node.remove(); },
            };
            return element;
          },
          update(options) { calls.elementsOptions.push(options); },
          async submit() { calls.submits += 1; return {}; },
        };
      },
      async createPaymentMethod() {
        calls.paymentMethods += 1;
        return { paymentMethod: { id: window.__standInPaymentMethod } };
      },
      async handleNextAction({ clientSecret }) {
        calls.nextActions.push(clientSecret);
        return window.__standInAuthenticate(clientSecret);
      },
      async createToken() { return { error: { message: 'not implemented by the stand-in' } }; },
      async confirmCardPayment() { return { error: { message: 'not implemented by the stand-in' } }; },
      registerAppInfo() {},
      _registerWrapper() {},
    };
  }
  Stripe.version = 'endive';
  window.Stripe = Stripe;
})();`;

export interface StripeStandInCalls {
  keys: string[];
  elementsOptions: Record<string, unknown>[];
  created: string[];
  mounted: string[];
  submits: number;
  paymentMethods: number;
  nextActions: string[];
}
