import type { ClientAction } from '@agent-controller/clients';
import { ForwardableEvent } from '@agent-controller/shared-contracts';

/**
 * The permission each forwarded event needs (DESIGN §4: chat is part of reading an agent). A terminal is a
 * shell in the agent's workspace, so it needs what writing its app files needs.
 */
export const FORWARD_PERMISSIONS: Record<ForwardableEvent, ClientAction> = {
  login: 'read',
  logout: 'read',
  chat: 'read',
  enhanceChat: 'read',
  generateTicketBody: 'read',
  fileUpdate: 'read',
  createTerminal: 'operate',
  terminalInput: 'operate',
  closeTerminal: 'operate',
};
