import { CurrencyPipe, DatePipe, DecimalPipe, PercentPipe } from '@angular/common';
import { Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { Title } from '@angular/platform-browser';
import { FormsModule, NgForm } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleChange, MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTabsModule } from '@angular/material/tabs';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { apiErrorMessage, ClientNames, SessionStore } from '@agent-controller/console-core';
import {
  Breadcrumbs,
  confirmAction,
  type ConfirmData,
  TimeComponent,
  WeakKeyBadge,
} from '@agent-controller/console-ui';
import type { Client, ClientRole, ClientUser } from '@agent-controller/shared-contracts';
import {
  assignableRoles,
  canChangeRole,
  canManageClient,
  canRemoveMember,
  ClientDetailStore,
  usageBars,
  usageSummary,
} from '@agent-controller/console-clients-data-access';
import { firstValueFrom } from 'rxjs';
import { ClientFormDialog } from './client-form-dialog';
import { DeleteClientDialog } from './delete-client-dialog';
import { RotateKeyDialog } from './rotate-key-dialog';

const CHART_WIDTH = 480;
const CHART_HEIGHT = 120;

const DETAIL_TABS = ['overview', 'health', 'usage', 'members'] as const;
type DetailTab = (typeof DETAIL_TABS)[number] | 'audit';

/** One client: overview (status, health, key), health history, usage, members and its audit trail. */
@Component({
  selector: 'ac-client-detail-page',
  providers: [ClientDetailStore],
  imports: [
    Breadcrumbs,
    CurrencyPipe,
    DatePipe,
    TimeComponent,
    DecimalPipe,
    PercentPipe,
    FormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    MatSlideToggleModule,
    MatTabsModule,
    RouterLink,
    WeakKeyBadge,
  ],
  templateUrl: './client-detail-page.html',
  styleUrl: './client-detail-page.css',
})
export class ClientDetailPage {
  readonly id = input.required<string>();
  /** The open tab, from `?tab=` (overview when absent or unknown), so reload and share keep it. */
  readonly tab = input<string>();
  protected readonly store = inject(ClientDetailStore);
  protected readonly session = inject(SessionStore);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly title = inject(Title);

  /** The tabs in their order; Audit only for global admins, and last, so the others keep their index. */
  private readonly tabs = computed(() => [
    ...DETAIL_TABS,
    ...(this.session.isGlobalAdmin() ? (['audit'] as const) : []),
  ]);
  protected readonly tabIndex = computed(() => Math.max(0, this.tabs().indexOf(this.tab() as DetailTab)));

  protected readonly busy = signal(false);
  protected readonly actionError = signal<string | null>(null);
  protected readonly memberError = signal<string | null>(null);
  protected newMemberEmail = '';
  protected newMemberRole: ClientRole = 'user';

  protected readonly chartWidth = CHART_WIDTH;
  protected readonly chartHeight = CHART_HEIGHT;
  protected readonly bars = computed(() =>
    usageBars(this.store.usage.value()?.hourly ?? [], CHART_WIDTH, CHART_HEIGHT),
  );
  protected readonly summary = computed(() => usageSummary(this.store.usage.value()?.hourly ?? []));
  protected readonly manage = computed(() => canManageClient(this.store.relation()));
  protected readonly roles = computed(() => assignableRoles(this.store.relation()));
  protected readonly trail = computed(() => [
    { label: 'Clients', link: ['/clients'] },
    { label: this.store.client.value()?.name ?? 'Client' },
  ]);
  private readonly clientNames = inject(ClientNames);

  constructor() {
    effect(() => {
      const id = this.id();
      const apiKeyMode = this.store.apiKeyMode();
      const globalAdmin = this.session.isGlobalAdmin();
      // Only the inputs above re-run this; what the loads read must not.
      untracked(() => {
        void this.store.load(id);
        void this.store.loadHistory();
        void this.store.loadUsage();
        if (!apiKeyMode) void this.store.loadMembers();
        if (globalAdmin) void this.store.loadAudit();
      });
    });
    effect(() => {
      const client = this.store.client.value();
      if (!client) return;
      this.title.setTitle(`${client.name} · Agent Controller`);
      // The pages below this client name it in their breadcrumbs.
      this.clientNames.remember(client.id, client.name);
    });
    effect(() => {
      // Where its cloud server is and what it costs, for a client provisioning made (once per client).
      const client = this.store.client.value();
      if (client?.isAutoProvisioned && untracked(() => this.store.provisioning.value()?.clientId) !== client.id) {
        untracked(() => void this.store.loadProvisioning());
      }
    });
  }

  protected canChangeRole(member: ClientUser): boolean {
    return canChangeRole(this.store.relation(), member);
  }

  protected canRemove(member: ClientUser): boolean {
    return canRemoveMember(this.store.relation(), member);
  }

  protected agentTypes(): string {
    return (
      this.store.client
        .value()
        ?.config?.agentTypes.map((type) => type.displayName || type.type)
        .join(', ') || '—'
    );
  }

  /** `key=value` pairs, as a selector would name them (an empty value reads `key=`). */
  protected labelsText(): string {
    const labels = Object.entries(this.store.client.value()?.labels ?? {});
    return labels.map(([key, value]) => `${key}=${value}`).join(', ') || '—';
  }

  protected verify(): Promise<void> {
    return this.run(async () => {
      await this.store.verify();
      this.snackBar.open(`Health: ${this.store.client.value()?.health.state}`, undefined, { duration: 4000 });
      void this.store.loadHistory();
    });
  }

  protected edit(): void {
    const client = this.store.client.value();
    if (!client) return;
    this.dialog
      .open(ClientFormDialog, { data: client, width: 'min(560px, 100vw)', maxWidth: '100vw' })
      .afterClosed()
      .subscribe((saved?: Client) => {
        if (!saved) return;
        this.store.useSaved(saved);
        void this.store.loadHistory();
        if (this.session.isGlobalAdmin()) void this.store.loadAudit();
      });
  }

  protected async toggleStatus(change: MatSlideToggleChange): Promise<void> {
    const active = change.checked;
    const client = this.store.client.value();
    if (!client) return;
    if (
      !active &&
      !(await this.confirm({
        title: 'Deactivate client',
        message: `Deactivate "${client.name}"? Calls through the controller to it will be refused until it is activated again.`,
        confirm: 'Deactivate',
      }))
    ) {
      change.source.checked = true;
      return;
    }
    await this.run(() => this.store.setStatus(active ? 'active' : 'inactive'));
    change.source.checked = this.store.client.value()?.status === 'active';
  }

  protected rotateKey(): void {
    const client = this.store.client.value();
    if (!client) return;
    this.dialog
      .open(RotateKeyDialog, { data: client, width: 'min(560px, 100vw)', maxWidth: '100vw' })
      .afterClosed()
      .subscribe((saved?: Client) => {
        if (!saved) return;
        // The dialog showed what the remote said; the page now shows the stored client.
        this.store.useSaved(saved);
        void this.store.loadHistory();
        if (this.session.isGlobalAdmin()) void this.store.loadAudit();
      });
  }

  /** The dialog asks what happens to the client's cloud server, when it has one. */
  protected remove(): void {
    const client = this.store.client.value();
    if (!client) return;
    this.dialog
      .open(DeleteClientDialog, { data: client, width: 'min(560px, 100vw)', maxWidth: '100vw' })
      .afterClosed()
      .subscribe(async (deleted?: boolean) => {
        if (!deleted) return;
        this.snackBar.open(`Deleted ${client.name}`, undefined, { duration: 4000 });
        await this.router.navigate(['/clients']);
      });
  }

  protected async addMember(form: NgForm): Promise<void> {
    const email = this.newMemberEmail.trim();
    if (!email) return;
    this.memberError.set(null);
    try {
      await this.store.addMember(email, this.newMemberRole);
      form.resetForm({ email: '', role: this.newMemberRole });
    } catch (error) {
      this.memberError.set(apiErrorMessage(error));
    }
  }

  protected async changeRole(member: ClientUser, role: ClientRole): Promise<void> {
    this.memberError.set(null);
    try {
      await this.store.changeRole(member, role);
    } catch (error) {
      this.memberError.set(apiErrorMessage(error));
      void this.store.loadMembers();
    }
  }

  protected async removeMember(member: ClientUser): Promise<void> {
    if (
      !(await this.confirm({
        title: 'Remove member',
        message: `Remove ${member.email} from this client?`,
        confirm: 'Remove',
      }))
    )
      return;
    this.memberError.set(null);
    try {
      await this.store.removeMember(member);
    } catch (error) {
      this.memberError.set(apiErrorMessage(error));
    }
  }

  private async confirm(data: ConfirmData): Promise<boolean> {
    return (await firstValueFrom(confirmAction(this.dialog, data))) === true;
  }

  private async run(action: () => Promise<unknown>): Promise<void> {
    this.busy.set(true);
    this.actionError.set(null);
    try {
      await action();
    } catch (error) {
      this.actionError.set(apiErrorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }

  protected selectTab(index: number): void {
    const tab = this.tabs()[index];
    // Replaces the history entry: tabs are views of one page, not steps to go back through.
    void this.router.navigate([], {
      relativeTo: this.route,
      queryParams: { tab: tab === 'overview' ? null : tab },
      queryParamsHandling: 'merge',
      replaceUrl: true,
    });
  }
}
