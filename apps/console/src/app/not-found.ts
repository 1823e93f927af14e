import { Component } from '@angular/core';
import { RouterLink } from '@angular/router';

@Component({
  selector: 'ac-not-found',
  imports: [RouterLink],
  template: `<h1>Page not found</h1>
    <p>There is nothing at this address. <a routerLink="/clients">Go to the clients</a>.</p>`,
})
export class NotFound {}
