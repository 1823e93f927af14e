import type { ProviderType, ProvisionRequest } from '@agent-controller/shared-contracts';

/** Everything the wizard collects, as its forms hold it (empty strings for fields left blank). */
export interface ProvisionWizardValue {
  providerType: ProviderType | '';
  location: string;
  serverType: string;
  name: string;
  description: string;
  authenticationType: 'api_key' | 'keycloak';
  apiKey: string;
  keycloakClientId: string;
  keycloakClientSecret: string;
  keycloakRealm: string;
  keycloakAuthServerUrl: string;
  agentWsPort: number | string | null;
  gitRepositoryUrl: string;
  gitUsername: string;
  gitToken: string;
  gitPassword: string;
  gitPrivateKey: string;
  cursorApiKey: string;
}

export const EMPTY_WIZARD: ProvisionWizardValue = {
  providerType: '',
  location: '',
  serverType: '',
  name: '',
  description: '',
  authenticationType: 'api_key',
  apiKey: '',
  keycloakClientId: '',
  keycloakClientSecret: '',
  keycloakRealm: '',
  keycloakAuthServerUrl: '',
  agentWsPort: null,
  gitRepositoryUrl: '',
  gitUsername: '',
  gitToken: '',
  gitPassword: '',
  gitPrivateKey: '',
  cursorApiKey: '',
};

/** The secrets of a request: shown masked on the review step. */
export const SECRET_FIELDS = [
  'apiKey',
  'keycloakClientSecret',
  'gitToken',
  'gitPassword',
  'gitPrivateKey',
  'cursorApiKey',
] as const;

/**
 * The provision request for the wizard's answers: only the fields of the chosen authentication type, no empty
 * strings (optional fields left blank are omitted), names and URLs trimmed, secrets sent exactly as typed.
 */
export function toProvisionRequest(value: ProvisionWizardValue): ProvisionRequest {
  if (!value.providerType) throw new Error('Choose a provider');
  const request: Record<string, unknown> = {
    providerType: value.providerType,
    serverType: value.serverType.trim(),
    name: value.name.trim(),
    authenticationType: value.authenticationType,
  };
  const text = (key: keyof ProvisionRequest, raw: string, trim = true) => {
    const candidate = trim ? raw.trim() : raw;
    if (candidate.trim() !== '') request[key] = candidate;
  };
  text('location', value.location);
  text('description', value.description);
  if (value.authenticationType === 'api_key') {
    text('apiKey', value.apiKey, false);
  } else {
    text('keycloakClientId', value.keycloakClientId);
    text('keycloakClientSecret', value.keycloakClientSecret, false);
    text('keycloakRealm', value.keycloakRealm);
    text('keycloakAuthServerUrl', value.keycloakAuthServerUrl);
  }
  const port = value.agentWsPort === null || value.agentWsPort === '' ? NaN : Number(value.agentWsPort);
  if (Number.isInteger(port)) request['agentWsPort'] = port;
  text('gitRepositoryUrl', value.gitRepositoryUrl);
  text('gitUsername', value.gitUsername);
  text('gitToken', value.gitToken, false);
  text('gitPassword', value.gitPassword, false);
  text('gitPrivateKey', value.gitPrivateKey, false);
  text('cursorApiKey', value.cursorApiKey, false);
  return request as ProvisionRequest;
}
