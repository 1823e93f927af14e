import { AUDIT_ENTITIES } from '@agent-controller/audit';
import { AUTH_ENTITIES } from '@agent-controller/auth';
import { CLIENT_ENTITIES } from '@agent-controller/clients';
import { DATABASE_ENTITIES } from '@agent-controller/database';
import { METRICS_ENTITIES } from '@agent-controller/metrics';
import { PROVISIONING_ENTITIES } from '@agent-controller/provisioning';
import { REMOTE_AGENT_PROXY_ENTITIES } from '@agent-controller/remote-agent-proxy';
import { WEBHOOK_ENTITIES } from '@agent-controller/webhooks';

/** Every entity of the controller: the app's data source and the migration CLI use this one list. */
export const ENTITIES = [
  ...DATABASE_ENTITIES,
  ...AUTH_ENTITIES,
  ...AUDIT_ENTITIES,
  ...CLIENT_ENTITIES,
  ...REMOTE_AGENT_PROXY_ENTITIES,
  ...METRICS_ENTITIES,
  ...PROVISIONING_ENTITIES,
  ...WEBHOOK_ENTITIES,
];
