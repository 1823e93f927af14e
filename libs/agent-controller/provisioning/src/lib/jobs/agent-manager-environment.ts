import { ProvisioningJobEntity, ProvisioningSecrets } from './provisioning-job.entity';

/**
 * The agent-manager's environment on the new server (contract §1–§2 of agent-manager.md), from a job's
 * settings and secrets. Unset values are left out. The database password is not here: the server makes it.
 */
export function agentManagerEnvironment(
  job: ProvisioningJobEntity,
  secrets: ProvisioningSecrets,
): Record<string, string> {
  const { settings } = job;
  const environment: Record<string, string | null | undefined> =
    settings.authenticationType === 'api_key'
      ? { AUTHENTICATION_METHOD: 'api-key', STATIC_API_KEY: secrets.apiKey }
      : {
          AUTHENTICATION_METHOD: 'keycloak',
          KEYCLOAK_AUTH_SERVER_URL: settings.keycloakAuthServerUrl,
          KEYCLOAK_SERVER_URL: settings.keycloakAuthServerUrl,
          KEYCLOAK_REALM: settings.keycloakRealm,
          KEYCLOAK_CLIENT_ID: settings.keycloakClientId,
          KEYCLOAK_CLIENT_SECRET: secrets.keycloakClientSecret,
        };
  Object.assign(environment, {
    GIT_REPOSITORY_URL: settings.gitRepositoryUrl,
    GIT_USERNAME: settings.gitUsername,
    GIT_TOKEN: secrets.gitToken,
    GIT_PASSWORD: secrets.gitPassword,
    GIT_PRIVATE_KEY: secrets.gitPrivateKey,
    CURSOR_API_KEY: secrets.cursorApiKey,
    AGENT_DEFAULT_IMAGE: settings.agentDefaultImage,
    // The agent-manager's workspace settings autoEnrichEnabledGlobal / autoEnrichVectorMaxCosineDistance.
    AUTO_ENRICH_ENABLED_GLOBAL: optionalText(settings.autoEnrichEnabledGlobal),
    AUTO_ENRICH_VECTOR_MAX_COSINE_DISTANCE: optionalText(settings.autoEnrichVectorMaxCosineDistance),
  });
  return Object.fromEntries(
    Object.entries(environment).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/** A setting as an environment value, or left out when it was not given. */
function optionalText(value: boolean | number | null | undefined): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}
