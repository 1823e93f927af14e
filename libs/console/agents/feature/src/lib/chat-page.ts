import {
  afterRenderEffect,
  Component,
  computed,
  effect,
  ElementRef,
  inject,
  input,
  OnInit,
  signal,
  viewChild,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { ChatStore } from '@agent-controller/console-agents-data-access';
import { ClientNames } from '@agent-controller/console-core';
import { Breadcrumbs } from '@agent-controller/console-ui';
import { TerminalPanel } from './terminal-panel';

/** A live chat with one agent over the gateway: history, streamed answers, tool calls, the link's state. */
@Component({
  selector: 'ac-chat-page',
  providers: [ChatStore],
  imports: [Breadcrumbs, MatButtonModule, MatFormFieldModule, MatInputModule, MatProgressBarModule, TerminalPanel],
  template: `
    <ac-breadcrumbs [trail]="trail()" />
    <h1>Chat{{ state().agentName ? ' with ' + state().agentName : '' }}</h1>
    <div class="link" [class]="'link ' + state().link" role="status">
      @switch (state().link) {
        @case ('connecting') {
          Connecting…
        }
        @case ('linked') {
          {{ state().loggedIn ? 'Connected' : 'Logging in…' }}
        }
        @case ('reconnecting') {
          The agent-manager is unreachable, reconnecting…{{
            state().attempt ? ' (attempt ' + state().attempt + ')' : ''
          }}
        }
        @case ('failed') {
          Could not reconnect.
          <button mat-stroked-button type="button" (click)="store.retry()">Retry</button>
        }
        @case ('offline') {
          Disconnected from the controller, reconnecting…
        }
      }
    </div>
    @if (state().error; as error) {
      <p class="error" role="alert">{{ error }}</p>
    }
    <div #transcript class="transcript" role="log" aria-label="Conversation" tabindex="0">
      @for (entry of state().entries; track entry.id) {
        @switch (entry.type) {
          @case ('user') {
            <div class="bubble user"><span class="who">You</span>{{ entry.text }}</div>
          }
          @case ('assistant') {
            <div class="bubble assistant" [attr.aria-busy]="entry.streaming">
              <span class="who">Agent</span>{{ entry.text }}
              @if (entry.streaming) {
                <span class="cursor">▍</span>
              }
            </div>
          }
          @case ('tool') {
            <details class="tool" [class.failed]="entry.isError">
              <summary>
                Tool <code>{{ entry.name }}</code> —
                {{ entry.done ? (entry.isError ? 'failed' : 'done') : (entry.status ?? 'running') }}
              </summary>
              @if (entry.args !== undefined) {
                <pre>{{ json(entry.args) }}</pre>
              }
              @if (entry.result !== undefined) {
                <pre>{{ json(entry.result) }}</pre>
              }
            </details>
          }
          @case ('notice') {
            <p class="notice" [class.error]="entry.tone === 'error'">{{ entry.text }}</p>
          }
        }
      } @empty {
        <p class="notice">{{ state().loggedIn ? 'No messages yet. Say hello.' : 'Waiting for the agent…' }}</p>
      }
    </div>
    @if (state().thinking) {
      <mat-progress-bar mode="indeterminate" aria-label="The agent is answering" />
    }
    <form class="composer" (submit)="send($event)">
      <mat-form-field subscriptSizing="dynamic">
        <mat-label>Message</mat-label>
        <textarea
          matInput
          rows="2"
          [value]="draft()"
          (input)="draft.set($any($event.target).value)"
          (keydown.enter)="enter($event)"
        ></textarea>
      </mat-form-field>
      <button mat-flat-button type="submit" [disabled]="!store.canSend() || !draft().trim()">Send</button>
    </form>
    <section class="terminal-section" aria-label="Terminal session">
      @if (state().terminal) {
        <div class="terminal-bar">
          <h2>Terminal</h2>
          <button mat-stroked-button type="button" (click)="store.closeTerminal()">Close terminal</button>
        </div>
        <ac-terminal-panel />
      } @else {
        <button mat-stroked-button type="button" [disabled]="!store.canSend()" (click)="store.openTerminal()">
          Open terminal
        </button>
      }
    </section>
  `,
  styles: `
    .link {
      padding: 6px 12px;
      border-radius: 8px;
      margin-bottom: 8px;
      background: var(--mat-sys-surface-variant);
      display: flex;
      gap: 12px;
      align-items: center;
    }
    .link.reconnecting,
    .link.offline {
      background: light-dark(#fff3cd, #4d3a00);
      color: light-dark(#664d03, #ffe69c);
    }
    .link.failed {
      background: light-dark(#f8d7da, #5c1a20);
      color: light-dark(#842029, #f8d7da);
    }
    .transcript {
      display: flex;
      flex-direction: column;
      gap: 8px;
      min-height: 240px;
      max-height: 60vh;
      overflow-y: auto;
      padding: 8px;
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 8px;
    }
    .bubble {
      white-space: pre-wrap;
      padding: 8px 12px;
      border-radius: 12px;
      max-width: 85%;
      overflow-wrap: anywhere;
    }
    .who {
      display: block;
      font-size: 0.75rem;
      font-weight: 600;
    }
    .user {
      align-self: flex-end;
      background: var(--mat-sys-primary-container);
      color: var(--mat-sys-on-primary-container);
    }
    .assistant {
      align-self: flex-start;
      background: var(--mat-sys-surface-container-high);
      color: var(--mat-sys-on-surface);
    }
    .tool {
      font-size: 0.875rem;
    }
    .tool pre {
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      margin: 4px 0;
    }
    .notice {
      font-size: 0.875rem;
      margin: 0;
    }
    .error,
    .failed summary {
      color: var(--mat-sys-error);
    }
    .composer {
      display: flex;
      gap: 8px;
      align-items: center;
      margin-top: 8px;
    }
    .composer mat-form-field {
      flex: 1;
    }
    .terminal-section {
      margin-top: 16px;
    }
    .terminal-bar {
      display: flex;
      align-items: center;
      justify-content: space-between;
    }
    .terminal-bar h2 {
      font-size: 1.125rem;
      margin: 0 0 8px;
    }
  `,
})
export class ChatPage implements OnInit {
  /** The client id and the agent id, from the route. */
  readonly id = input.required<string>();
  readonly agentId = input.required<string>();
  /** `?terminal=open` (the agent page's Terminal button): open the terminal as soon as the agent is logged in. */
  readonly terminal = input<string>();
  protected readonly store = inject(ChatStore);
  private readonly clientNames = inject(ClientNames);
  protected readonly trail = computed(() => [
    { label: 'Clients', link: ['/clients'] },
    { label: this.clientNames.name(this.id()) ?? 'Client', link: ['/clients', this.id()] },
    { label: 'Agents', link: ['/clients', this.id(), 'agents'] },
    { label: this.state().agentName ?? 'Agent', link: ['/clients', this.id(), 'agents', this.agentId()] },
    { label: 'Chat' },
  ]);
  private terminalRequested = false;
  protected readonly state = this.store.state;
  protected readonly draft = signal('');
  private readonly transcript = viewChild<ElementRef<HTMLElement>>('transcript');

  constructor() {
    effect(() => {
      if (this.terminal() !== 'open' || this.terminalRequested || !this.store.canSend()) return;
      this.terminalRequested = true;
      this.store.openTerminal();
    });
    // Keep the newest line in view as the answer grows.
    afterRenderEffect(() => {
      this.state();
      const element = this.transcript()?.nativeElement;
      if (element) element.scrollTop = element.scrollHeight;
    });
  }

  ngOnInit(): Promise<void> {
    void this.clientNames.load(this.id());
    return this.store.connect(this.id(), this.agentId());
  }

  protected send(event: Event): void {
    event.preventDefault();
    if (!this.store.canSend() || !this.draft().trim()) return;
    this.store.send(this.draft());
    this.draft.set('');
  }

  /** Enter sends, Shift+Enter starts a new line. */
  protected enter(event: Event): void {
    if ((event as KeyboardEvent).shiftKey) return;
    this.send(event);
  }

  protected json(value: unknown): string {
    const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
    return text.length > 4000 ? `${text.slice(0, 4000)}…` : text;
  }
}
