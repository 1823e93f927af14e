import { inject } from '@angular/core';
import { CanMatchFn, Router } from '@angular/router';
import { SessionStore } from './session.store';

/** Routes behind sign-in: restores the tab's session, else goes to the log-in page. */
export const signedInGuard: CanMatchFn = async () => {
  // inject() only works before the first await.
  const session = inject(SessionStore);
  const router = inject(Router);
  if (session.signedIn() || (await session.restore())) return true;
  return router.createUrlTree(['/login']);
};

/** Routes for global administrators only (e.g. the audit log); anyone else goes to the clients list. */
export const globalAdminGuard: CanMatchFn = async () => {
  // inject() only works before the first await.
  const session = inject(SessionStore);
  const router = inject(Router);
  if (!session.signedIn()) await session.restore();
  return session.isGlobalAdmin() || router.createUrlTree(['/clients']);
};

/** User administration: global admins in users mode only (api-key and keycloak modes administer users elsewhere). */
export const usersAdminGuard: CanMatchFn = async () => {
  // inject() only works before the first await.
  const session = inject(SessionStore);
  const router = inject(Router);
  if (!session.signedIn()) await session.restore();
  return (session.isGlobalAdmin() && session.isUsersModeUser()) || router.createUrlTree(['/clients']);
};
