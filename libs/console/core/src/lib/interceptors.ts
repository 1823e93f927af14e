import { HttpErrorResponse, HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { MatSnackBar } from '@angular/material/snack-bar';
import { Router } from '@angular/router';
import { catchError, throwError } from 'rxjs';
import { apiErrorMessage } from './api-error';
import { EARLY_REQUEST } from './early-requests';
import { signInUrl } from './session.guard';
import { SessionStore } from './session.store';

/** Sends the session's credential to our API (never to other origins). */
export const authInterceptor: HttpInterceptorFn = (request, next) => {
  const token = inject(SessionStore).token();
  const ours = request.url.startsWith('/');
  return next(token && ours ? request.clone({ setHeaders: { authorization: `Bearer ${token}` } }) : request);
};

/** A request id per call, so an operator can find the call in the controller's logs. */
export const requestIdInterceptor: HttpInterceptorFn = (request, next) =>
  next(request.url.startsWith('/') ? request.clone({ setHeaders: { 'x-request-id': crypto.randomUUID() } }) : request);

/** 401 ends the session; every other failure is shown once in a snack bar, and still reaches the caller. */
export const errorInterceptor: HttpInterceptorFn = (request, next) => {
  const session = inject(SessionStore);
  const router = inject(Router);
  const snackBar = inject(MatSnackBar);
  return next(request).pipe(
    catchError((error: unknown) => {
      if (
        error instanceof HttpErrorResponse &&
        request.url.startsWith('/api/') &&
        !request.context.get(EARLY_REQUEST)
      ) {
        if (error.status === 401 && !request.url.startsWith('/api/auth/')) {
          session.logOut();
          // Signing in again comes back to the page the session ended on.
          if (!router.url.startsWith('/login')) void router.navigateByUrl(signInUrl(router, router.url));
        } else if (request.method !== 'GET' || error.status >= 500 || error.status === 0) {
          snackBar.open(apiErrorMessage(error), 'Dismiss', { duration: 8000 });
        }
      }
      return throwError(() => error);
    }),
  );
};
