import { AUDIT_ENTITIES } from '@agent-controller/audit';
import { AUTH_ENTITIES } from '@agent-controller/auth';
import { CLIENT_ENTITIES } from '@agent-controller/clients';

/** Every entity of the controller: the app's data source and the migration CLI use this one list. */
export const ENTITIES = [...AUTH_ENTITIES, ...AUDIT_ENTITIES, ...CLIENT_ENTITIES];
