import {
  afterNextRender,
  Component,
  DestroyRef,
  ElementRef,
  inject,
  viewChild,
  ViewEncapsulation,
} from '@angular/core';
import { ChatStore } from '@agent-controller/console-agents-data-access';
import type { Terminal } from '@xterm/xterm';

/**
 * A shell in the agent's container (xterm.js, loaded on first use): keystrokes go out as `terminalInput`, the
 * agent's `terminalOutput` is written back. The terminal session belongs to the `ChatStore` of the chat view.
 */
@Component({
  selector: 'ac-terminal-panel',
  // xterm.js builds its own DOM inside the host: its rules cannot be scoped to this component's template.
  encapsulation: ViewEncapsulation.None,
  template: `<div #host class="terminal" role="region" aria-label="Terminal"></div>`,
  styleUrl: './terminal-panel.css',
})
export class TerminalPanel {
  private readonly store = inject(ChatStore);
  private readonly host = viewChild.required<ElementRef<HTMLElement>>('host');
  private terminal: Terminal | null = null;
  private unsubscribe: (() => void) | null = null;
  private destroyed = false;

  constructor() {
    afterNextRender(() => void this.start());
    inject(DestroyRef).onDestroy(() => {
      this.destroyed = true;
      this.unsubscribe?.();
      this.terminal?.dispose();
    });
  }

  private async start(): Promise<void> {
    const { Terminal } = await import('@xterm/xterm');
    if (this.destroyed) return;
    const terminal = new Terminal({ convertEol: true, rows: 16, fontSize: 13, screenReaderMode: true });
    terminal.open(this.host().nativeElement);
    terminal.onData((data) => this.store.terminalInput(data));
    this.unsubscribe = this.store.onTerminalOutput((data) => terminal.write(data));
    this.terminal = terminal;
    terminal.focus();
  }
}
