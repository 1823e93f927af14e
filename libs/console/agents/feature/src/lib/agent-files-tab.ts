import { Component, inject, input, OnInit } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatMenuModule } from '@angular/material/menu';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { FileContext, FileNode, FilesStore, FileTreeRow } from '@agent-controller/console-agents-data-access';
import { Observable, of } from 'rxjs';
import { confirmAction } from '@agent-controller/console-ui';
import { FileEditorPanel } from './file-editor-panel';
import { promptPath } from './path-prompt-dialog';

/**
 * The agent's workspace: a lazily opened tree beside an editor. Every member may write `app` files; managers
 * may switch to the agent's configuration files (`config`, DESIGN §4), which client users never see.
 */
@Component({
  selector: 'ac-agent-files-tab',
  providers: [FilesStore],
  imports: [FileEditorPanel, MatButtonModule, MatMenuModule, MatProgressBarModule],
  template: `
    @if (canConfigure()) {
      <div class="contexts" role="group" aria-label="Which files">
        @for (option of contexts; track option.context) {
          <button
            mat-button
            type="button"
            [class.selected]="store.context() === option.context"
            [attr.aria-pressed]="store.context() === option.context"
            (click)="switchContext(option.context)"
          >
            {{ option.label }}
          </button>
        }
      </div>
    }
    <div class="toolbar">
      <button mat-stroked-button type="button" (click)="create('', 'file')">New file</button>
      <button mat-stroked-button type="button" (click)="create('', 'directory')">New folder</button>
      <button mat-button type="button" (click)="store.refresh()">Refresh</button>
    </div>
    <p class="live" aria-live="polite">{{ store.actions.notice() }}</p>
    <div class="layout">
      <nav class="tree" [attr.aria-label]="store.context() === 'config' ? 'Configuration files' : 'Workspace files'">
        @if (store.root().loading) {
          <mat-progress-bar mode="indeterminate" aria-label="Loading files" />
        }
        @if (store.root().error; as error) {
          <p class="state error" role="alert">
            Could not list the files: {{ error }}
            <button mat-button type="button" (click)="store.list('')">Retry</button>
          </p>
        } @else if (!store.root().loading && store.root().nodes.length === 0) {
          <p class="state">
            {{ store.context() === 'config' ? 'There are no configuration files.' : 'The workspace is empty.' }}
          </p>
        }
        <ul>
          @for (row of store.rows(); track rowId(row)) {
            @if (row.kind === 'node') {
              <li [style.padding-inline-start.px]="row.depth * 16">
                <button
                  class="entry"
                  type="button"
                  [class.current]="store.file()?.path === row.node.path"
                  [attr.aria-expanded]="row.node.type === 'directory' ? row.expanded : null"
                  [attr.aria-current]="store.file()?.path === row.node.path ? 'true' : null"
                  (click)="activate(row.node)"
                >
                  <span class="glyph" aria-hidden="true">{{ glyph(row) }}</span
                  >{{ row.node.name }}
                </button>
                <button
                  mat-button
                  class="more"
                  type="button"
                  [matMenuTriggerFor]="menu"
                  [matMenuTriggerData]="{ node: row.node }"
                  [attr.aria-label]="'Actions for ' + row.node.path"
                >
                  ⋯
                </button>
              </li>
            } @else {
              <li class="note" [class.error]="row.error" [style.padding-inline-start.px]="row.depth * 16 + 24">
                {{ row.text }}
              </li>
            }
          }
        </ul>
      </nav>
      <ac-file-editor-panel class="editor" (closeRequested)="closeFile()" />
    </div>
    <mat-menu #menu="matMenu">
      <ng-template matMenuContent let-node="node">
        @if (node.type === 'directory') {
          <button mat-menu-item type="button" (click)="create(node.path, 'file')">New file here</button>
          <button mat-menu-item type="button" (click)="create(node.path, 'directory')">New folder here</button>
        }
        <button mat-menu-item type="button" (click)="move(node)">Rename or move</button>
        <button mat-menu-item type="button" (click)="remove(node)">Delete</button>
      </ng-template>
    </mat-menu>
  `,
  styles: `
    .contexts {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      padding-top: 16px;
    }
    .contexts .selected {
      background: var(--mat-sys-secondary-container);
      color: var(--mat-sys-on-secondary-container);
    }
    .toolbar {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      padding-top: 16px;
    }
    .live {
      min-height: 1.25em;
      margin: 8px 0;
    }
    .layout {
      display: grid;
      grid-template-columns: minmax(200px, 1fr) minmax(0, 2fr);
      gap: 16px;
    }
    .layout > * {
      min-width: 0;
    }
    @media (max-width: 720px) {
      .layout {
        grid-template-columns: minmax(0, 1fr);
      }
    }
    .tree ul {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .tree li {
      display: flex;
      align-items: center;
    }
    .entry {
      flex: 1;
      min-width: 0;
      min-height: 36px;
      text-align: start;
      background: none;
      border: 0;
      border-radius: 4px;
      padding: 4px 8px;
      font: inherit;
      color: inherit;
      cursor: pointer;
      overflow-wrap: anywhere;
    }
    .entry:hover,
    .entry.current {
      background: var(--mat-sys-surface-container-high);
    }
    .entry:focus-visible {
      outline: 2px solid var(--mat-sys-primary);
    }
    .glyph {
      display: inline-block;
      width: 1.25em;
    }
    .more {
      min-width: 40px;
    }
    .note {
      font-size: 0.875rem;
      padding: 4px 0;
    }
    .state {
      padding: 16px 0;
    }
  `,
})
export class AgentFilesTab implements OnInit {
  readonly clientId = input.required<string>();
  readonly agentId = input.required<string>();
  /** Management rights: only then are the configuration files offered. */
  readonly canConfigure = input(false);
  protected readonly store = inject(FilesStore);
  protected readonly contexts: { context: FileContext; label: string }[] = [
    { context: 'app', label: 'Workspace files' },
    { context: 'config', label: 'Configuration files' },
  ];
  private readonly dialog = inject(MatDialog);

  ngOnInit(): Promise<void> {
    return this.store.load(this.clientId(), this.agentId());
  }

  protected switchContext(context: FileContext): void {
    if (context === this.store.context()) return;
    this.discardChanges().subscribe((discard) => {
      if (discard) void this.store.switchContext(context);
    });
  }

  protected rowId(row: FileTreeRow): string {
    return row.kind === 'node' ? row.node.path : row.id;
  }

  protected glyph(row: Extract<FileTreeRow, { kind: 'node' }>): string {
    if (row.node.type === 'file') return '·';
    return row.expanded ? '▾' : '▸';
  }

  protected activate(node: FileNode): void {
    if (node.type === 'directory') {
      void this.store.toggle(node.path);
      return;
    }
    if (this.store.file()?.path === node.path) return;
    this.discardChanges().subscribe((discard) => {
      if (discard) void this.store.open(node.path);
    });
  }

  protected closeFile(): void {
    this.discardChanges().subscribe((discard) => {
      if (discard) this.store.close();
    });
  }

  protected create(directory: string, type: 'file' | 'directory'): void {
    const kind = type === 'file' ? 'file' : 'folder';
    promptPath(this.dialog, {
      title: directory ? `New ${kind} in ${directory}` : `New ${kind}`,
      label: `${type === 'file' ? 'File' : 'Folder'} name`,
      confirm: 'Create',
    }).subscribe((name) => {
      if (name) void this.store.create(directory, name, type);
    });
  }

  protected move(node: FileNode): void {
    promptPath(this.dialog, {
      title: `Rename or move ${node.path}`,
      label: 'New path',
      initial: node.path,
      confirm: 'Move',
    }).subscribe((destination) => {
      if (destination) void this.store.move(node.path, destination);
    });
  }

  protected remove(node: FileNode): void {
    const folder = node.type === 'directory';
    confirmAction(this.dialog, {
      title: `Delete ${node.path}?`,
      message: folder
        ? `The folder ${node.path} and everything in it is deleted from the agent's workspace.`
        : `The file ${node.path} is deleted from the agent's workspace.`,
      confirm: `Delete ${node.name}`,
    }).subscribe((confirmed) => {
      if (confirmed) void this.store.remove(node.path);
    });
  }

  /** Unsaved edits are lost when another file opens: ask first. */
  private discardChanges(): Observable<boolean | undefined> {
    const file = this.store.file();
    if (!file || !this.store.dirty()) return of(true);
    return confirmAction(this.dialog, {
      title: `Discard changes to ${file.path}?`,
      message: `The unsaved changes to ${file.path} are lost.`,
      confirm: 'Discard changes',
    });
  }
}
