/**
 * The account in the background: the snapshot (me, plan, quota), Sora 2 access and username, and the
 * login state it follows. The services themselves are built with the request core (./services.ts).
 */
import { browser } from 'wxt/browser';
import type { PartialHandlers } from '../messaging/transport';
import { SORA_ORIGIN } from '../sora/config';
import { defineFeature } from './feature';

/** The session cookie: a login or logout is seen at once, and every other part hears of it. */
export const authFeature = defineFeature((ctx) => {
  const { auth } = ctx.services;
  return {
    handlers: {
      'auth.openLogin': async () => ({ tabId: (await browser.tabs.create({ url: SORA_ORIGIN })).id }),
    } satisfies PartialHandlers,
    start() {
      auth.watchCookies();
      auth.onChange((state) => ctx.signal('auth.changed', state));
    },
  };
});

export const accountFeature = defineFeature((ctx) => {
  const { account, sora2 } = ctx.services;
  return {
    handlers: {
      'account.get': (req) => account.get(req),
      'account.sora2': () => sora2.status(),
      'account.activate': () => sora2.activate(),
      'account.redeemInvite': (req) => sora2.redeemInvite(req.code),
      'account.checkUsername': (req) => sora2.checkUsername(req.username),
      'account.setUsername': (req) => sora2.setUsername(req.username),
    } satisfies PartialHandlers,
    events: ['account.changed'],
    on: {
      'auth.changed': (state) => {
        if (state.status === 'logged_out') void account.markLoggedOut();
        else void account.refresh();
      },
    },
  };
});
