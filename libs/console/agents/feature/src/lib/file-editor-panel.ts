import { Component, inject, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { FilesStore } from '@agent-controller/console-agents-data-access';

/** The open file as a monospace text area; Ctrl/⌘+S saves. The store comes from the files tab. */
@Component({
  selector: 'ac-file-editor-panel',
  imports: [MatButtonModule, MatProgressBarModule],
  template: `
    @if (store.file(); as file) {
      <section class="editor" aria-labelledby="editor-title">
        <header>
          <h3 id="editor-title">
            <code>{{ file.path }}</code>
          </h3>
          @if (store.dirty()) {
            <span class="badge">Unsaved</span>
          }
          <span class="spacer"></span>
          <button
            mat-flat-button
            type="button"
            [disabled]="!store.dirty() || store.actions.busy() === 'save'"
            (click)="store.save()"
          >
            {{ store.actions.busy() === 'save' ? 'Saving…' : 'Save' }}
          </button>
          <button mat-button type="button" (click)="closeRequested.emit()">Close</button>
        </header>
        @if (file.loading) {
          <mat-progress-bar mode="indeterminate" aria-label="Loading the file" />
        } @else if (file.error) {
          <p class="error" role="alert">
            Could not open {{ file.path }}: {{ file.error }}
            <button mat-button type="button" (click)="store.open(file.path)">Retry</button>
          </p>
        } @else if (file.binary) {
          <p class="state">This is a binary file; it cannot be edited here.</p>
        } @else {
          <textarea
            [attr.aria-label]="'Content of ' + file.path"
            spellcheck="false"
            autocapitalize="off"
            [value]="file.content"
            (input)="store.edit(textOf($event))"
            (keydown)="saveShortcut($event)"
          ></textarea>
        }
      </section>
    } @else {
      <p class="state">Select a file to open it.</p>
    }
  `,
  styles: `
    .editor header {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
    }
    h3 {
      margin: 0;
      overflow-wrap: anywhere;
      font-size: 1rem;
    }
    .spacer {
      flex: 1;
    }
    textarea {
      box-sizing: border-box;
      width: 100%;
      min-height: 360px;
      margin-top: 8px;
      padding: 8px;
      font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
      font-size: 0.875rem;
      tab-size: 2;
      background: var(--mat-sys-surface-container-lowest);
      color: var(--mat-sys-on-surface);
      border: 1px solid var(--mat-sys-outline);
      border-radius: 4px;
      resize: vertical;
    }
  `,
})
export class FileEditorPanel {
  protected readonly store = inject(FilesStore);
  readonly closeRequested = output<void>();

  protected textOf(event: Event): string {
    return (event.target as HTMLTextAreaElement).value;
  }

  protected saveShortcut(event: KeyboardEvent): void {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
      event.preventDefault();
      void this.store.save();
    }
  }
}
