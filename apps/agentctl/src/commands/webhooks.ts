import { dataOf, WebhookDeliveryResponse, WebhookResponse } from '@agent-controller/sdk';
import { Command } from 'commander';
import { action, CliIo } from '../context';
import { EXIT, ExitCode } from '../exit-codes';
import { Column, formatDetails, formatTable } from '../output/table';

const WEBHOOK_COLUMNS: Column<WebhookResponse>[] = [
  { header: 'id', cell: (webhook) => webhook.id },
  { header: 'url', cell: (webhook) => webhook.url },
  { header: 'events', cell: (webhook) => webhook.events.join(',') },
  { header: 'format', cell: (webhook) => webhook.format },
  { header: 'state', cell: (webhook) => (webhook.enabled ? 'enabled' : `disabled: ${webhook.disabledReason ?? ''}`) },
];

function deliveryDetails(delivery: WebhookDeliveryResponse): string {
  return formatDetails([
    ['delivery', delivery.id],
    ['status', delivery.status],
    ['attempts', delivery.attempts],
    ['response', delivery.responseCode ?? '-'],
    ['duration', delivery.durationMs === null ? '-' : `${delivery.durationMs} ms`],
    ['error', delivery.error ?? '-'],
  ]);
}

export function registerWebhookCommands(program: Command, io: CliIo, setExitCode: (code: ExitCode) => void): void {
  const webhooks = program.command('webhooks').description('Webhooks that alert on fleet events');

  webhooks
    .command('ls')
    .description('The webhooks you own (global admins: all; team admins: their teams’)')
    .action(
      action(io, setExitCode, async ({ session, printer }) => {
        const rows = await dataOf(session().api.GET('/api/webhooks'));
        printer.result(rows, () => `${formatTable(WEBHOOK_COLUMNS, rows)}\n${rows.length} webhooks`);
      }),
    );

  webhooks
    .command('test')
    .description('Send a ping event now; exits 6 when the receiver did not accept it')
    .argument('<id>', 'webhook id')
    .action(
      action(io, setExitCode, async ({ session, printer }, id) => {
        const delivery = await dataOf(session().api.POST('/api/webhooks/{id}/test', { params: { path: { id } } }));
        printer.result(delivery, () => deliveryDetails(delivery));
        return delivery.status === 'succeeded' ? EXIT.OK : EXIT.FAILED;
      }),
    );
}
