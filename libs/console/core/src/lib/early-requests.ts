import { HttpClient, HttpContext, HttpContextToken, HttpInterceptorFn, HttpResponse } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { catchError, Observable, shareReplay } from 'rxjs';

/** Marks an early request: its failure is left to the page's own request (a 401 here must not end the session). */
export const EARLY_REQUEST = new HttpContextToken(() => false);

/** How long an early answer waits for the page that asked for it before it is dropped. */
const EARLY_ANSWER_TTL_MS = 10_000;

/**
 * GET requests a first load starts at once, while the session is checked and the page's chunks load, instead of
 * after them: the page's own request for the same URL takes the answer (once), so its rows do not wait at the end
 * of that chain.
 */
@Injectable({ providedIn: 'root' })
export class EarlyRequests {
  private readonly http = inject(HttpClient);
  private readonly answers = new Map<string, Observable<HttpResponse<unknown>>>();

  start(url: string): void {
    const answer = this.http
      .get(url, { observe: 'response', context: new HttpContext().set(EARLY_REQUEST, true) })
      .pipe(shareReplay(1));
    answer.subscribe({ error: () => undefined });
    this.answers.set(url, answer);
    setTimeout(() => {
      if (this.answers.get(url) === answer) this.answers.delete(url);
    }, EARLY_ANSWER_TTL_MS);
  }

  /** The early answer for `url`, if one was started and not taken yet. */
  take(url: string): Observable<HttpResponse<unknown>> | undefined {
    const answer = this.answers.get(url);
    this.answers.delete(url);
    return answer;
  }
}

/** Answers a GET from its early request when there is one; a failed early request is made again, normally. */
export const earlyRequestsInterceptor: HttpInterceptorFn = (request, next) => {
  if (request.method !== 'GET' || request.context.get(EARLY_REQUEST)) return next(request);
  const early = inject(EarlyRequests).take(request.urlWithParams);
  return early ? early.pipe(catchError(() => next(request))) : next(request);
};
