import { inject } from '@angular/core';
import { CanMatchFn, Router, UrlTree } from '@angular/router';
import { safeReturnTo } from './return-to';
import { SessionStore } from './session.store';

/** The log-in page, told to come back to `url` afterwards (when it is one of the console's own pages). */
export function signInUrl(router: Router, url: string): UrlTree {
  const returnTo = safeReturnTo(url);
  return router.createUrlTree(['/login'], returnTo && returnTo !== '/' ? { queryParams: { returnTo } } : {});
}

/** Routes behind sign-in: restores the tab's session, else goes to the log-in page (and back here after it). */
export const signedInGuard: CanMatchFn = async () => {
  // inject() only works before the first await.
  const session = inject(SessionStore);
  const router = inject(Router);
  const target = router.currentNavigation()?.extractedUrl;
  if (session.signedIn() || (await session.restore())) return true;
  return signInUrl(router, target ? router.serializeUrl(target) : '/');
};

/**
 * A route for the signed-in users `allowed` admits (this tab's session restored first, as on a reload); anyone else
 * goes to the clients list.
 */
function sessionGuard(allowed: (session: SessionStore) => boolean | Promise<boolean>): CanMatchFn {
  return async () => {
    // inject() only works before the first await.
    const session = inject(SessionStore);
    const router = inject(Router);
    if (!session.signedIn()) await session.restore();
    return (await allowed(session)) || router.createUrlTree(['/clients']);
  };
}

/** Routes for global administrators only (e.g. the audit log). */
export const globalAdminGuard = sessionGuard((session) => session.isGlobalAdmin());

/** User administration: global admins in users mode only (api-key and keycloak modes administer users elsewhere). */
export const usersAdminGuard = sessionGuard((session) => session.isGlobalAdmin() && session.isUsersModeUser());

/** Teams: signed-in users (users and keycloak modes); in api-key mode teams play no role. */
export const teamsGuard = sessionGuard((session) => session.hasTeams());

/** API tokens: signed-in users (users and keycloak modes); in api-key mode the controller has none. */
export const apiTokensGuard = sessionGuard((session) => session.hasApiTokens());

/** Webhooks: global admins and team admins, as the API allows (a team admin's teams are read first). */
export const webhooksGuard = sessionGuard(
  async (session) => session.isGlobalAdmin() || (await session.administersTeam()),
);
