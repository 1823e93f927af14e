import { effect, Injectable, signal } from '@angular/core';

export type ThemeChoice = 'system' | 'light' | 'dark';
export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

const STORAGE_KEY = 'agent-controller.theme';

/**
 * Light or dark: the system's setting (`prefers-color-scheme`) unless the user chose one, remembered in this
 * browser. The theme's colours are `light-dark()` pairs, so setting the root's `color-scheme` is the whole switch.
 */
@Injectable({ providedIn: 'root' })
export class ThemeStore {
  readonly choice = signal<ThemeChoice>(storedChoice());

  constructor() {
    effect(() => {
      const choice = this.choice();
      // Empty falls back to the stylesheet's `color-scheme: light dark`, i.e. the system's preference.
      document.documentElement.style.colorScheme = choice === 'system' ? '' : choice;
    });
  }

  choose(choice: ThemeChoice): void {
    if (choice === 'system') localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, choice);
    this.choice.set(choice);
  }
}

function storedChoice(): ThemeChoice {
  const stored = localStorage.getItem(STORAGE_KEY);
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}
