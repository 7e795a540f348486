'use client';
import { useEffect } from 'react';

const GUARD = 'tumorwatchLeaveGuard';
export const LEAVE_QUESTION = 'You have unsaved edits. They are kept as a draft in this browser, but not saved as a version. Leave anyway?';

/** A same-window link to another page of this app (not a new tab, a download, or an anchor on this page). */
function leavingLink(e: MouseEvent): HTMLAnchorElement | null {
  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || e.defaultPrevented) return null;
  const a = (e.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null;
  if (!a || (a.target && a.target !== '_self') || a.hasAttribute('download')) return null;
  const to = new URL(a.href, window.location.href);
  const here = window.location;
  return to.origin === here.origin && (to.pathname !== here.pathname || to.search !== here.search) ? a : null;
}

/**
 * While `dirty`, leaving the page asks first, whichever way: closing the tab or reloading (the browser's own
 * beforeunload prompt), an in-app link (asked before the client router sees the click), and the back button (a
 * guard history entry is pushed; going back from it asks, and staying re-arms it).
 */
export function useLeaveGuard(dirty: boolean) {
  useEffect(() => {
    if (!dirty) return;
    const unload = (e: BeforeUnloadEvent) => e.preventDefault();
    // capture on window: runs before Next's link handler (React listens on its root, further down the tree)
    const click = (e: MouseEvent) => {
      if (!leavingLink(e) || window.confirm(LEAVE_QUESTION)) return;
      e.preventDefault();
      e.stopImmediatePropagation();
    };
    const guardUrl = window.location.href;
    // the router's state of this page, so that staying after a refused back press is this page to Next as well
    const pageState = window.history.state as Record<string, unknown> | null;
    const arm = () => window.history.pushState({ ...pageState, [GUARD]: true }, '', guardUrl);
    // one guard entry per page, however often the edits go clean and dirty again (a clean page leaves it in place: a
    // back press then stays on this page once, which is harmless, where stepping off it would race the next edit)
    if (!pageState?.[GUARD]) arm();
    let leaving = false;
    // capture listeners at the target run before Next's router's own popstate listener, which then never sees it
    const pop = (e: PopStateEvent) => {
      if (leaving) return;
      e.stopImmediatePropagation();
      if (window.confirm(LEAVE_QUESTION)) {
        leaving = true;
        window.history.back();
      } else arm();
    };
    window.addEventListener('beforeunload', unload);
    window.addEventListener('click', click, { capture: true });
    window.addEventListener('popstate', pop, { capture: true });
    return () => {
      window.removeEventListener('beforeunload', unload);
      window.removeEventListener('click', click, { capture: true });
      window.removeEventListener('popstate', pop, { capture: true });
    };
  }, [dirty]);
}
