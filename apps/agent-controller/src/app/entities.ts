import { AUTH_ENTITIES } from '@agent-controller/auth';

/** Every entity of the controller: the app's data source and the migration CLI use this one list. */
export const ENTITIES = [...AUTH_ENTITIES];
