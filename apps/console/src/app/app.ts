import { Component, inject } from '@angular/core';
import { RouterOutlet } from '@angular/router';
import { ThemeStore } from '@agent-controller/console-core';

@Component({
  selector: 'ac-root',
  imports: [RouterOutlet],
  template: '<router-outlet />',
})
export class App {
  constructor() {
    // The chosen theme applies from the first screen on, the sign-in page included.
    inject(ThemeStore);
  }
}
