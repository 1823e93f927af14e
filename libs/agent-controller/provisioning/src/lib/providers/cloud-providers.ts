import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@agent-controller/core';
import { ProviderType } from '@agent-controller/shared-contracts';
import { CLOUD_PROVIDERS, CloudProvider } from './cloud-provider';

/** The configured clouds by type. */
@Injectable()
export class CloudProviders {
  constructor(@Inject(CLOUD_PROVIDERS) private readonly providers: CloudProvider[]) {}

  all(): CloudProvider[] {
    return this.providers;
  }

  configured(): CloudProvider[] {
    return this.providers.filter((provider) => provider.configured);
  }

  /** The provider, which must have its token configured. */
  get(type: ProviderType): CloudProvider {
    const provider = this.providers.find((candidate) => candidate.type === type);
    if (!provider?.configured) {
      throw new DomainError('PROVIDER_NOT_CONFIGURED', `Provider ${type} has no API token configured`, {
        fields: [{ field: 'providerType', location: 'body', message: `${type} is not configured` }],
      });
    }
    return provider;
  }
}
