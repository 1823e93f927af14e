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
  private resizes: ResizeObserver | null = null;
  private destroyed = false;

  constructor() {
    afterNextRender(() => void this.start());
    inject(DestroyRef).onDestroy(() => {
      this.destroyed = true;
      this.unsubscribe?.();
      this.resizes?.disconnect();
      this.terminal?.dispose();
    });
  }

  private async start(): Promise<void> {
    const { Terminal } = await import('@xterm/xterm');
    if (this.destroyed) return;
    const terminal = new Terminal({ convertEol: true, rows: 16, fontSize: 13, screenReaderMode: true });
    const host = this.host().nativeElement;
    terminal.open(host);
    // As many columns as the box holds (a phone gets fewer than xterm's default 80, not a page wider than itself).
    this.resizes = new ResizeObserver(() => fitColumns(terminal, host));
    this.resizes.observe(host);
    terminal.onData((data) => this.store.terminalInput(data));
    this.unsubscribe = this.store.onTerminalOutput((data) => terminal.write(data));
    this.terminal = terminal;
    terminal.focus();
  }
}

/** Room the viewport's vertical scrollbar and the box's padding take from the columns. */
const RESERVED_PX = 24;

/** Resizes the terminal to the number of whole character cells that fit the host's width. */
function fitColumns(terminal: Terminal, host: HTMLElement): void {
  const context = document.createElement('canvas').getContext('2d');
  if (!context || host.clientWidth === 0) return;
  context.font = `${terminal.options.fontSize}px ${terminal.options.fontFamily}`;
  const cellWidth = context.measureText('W').width;
  const columns = Math.max(20, Math.floor((host.clientWidth - RESERVED_PX) / cellWidth));
  if (columns !== terminal.cols) terminal.resize(columns, terminal.rows);
}
