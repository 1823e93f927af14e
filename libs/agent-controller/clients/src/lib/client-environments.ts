import { Inject, Injectable } from '@nestjs/common';
import { AppConfig, appConfig, DomainError } from '@agent-controller/core';
import { FieldError } from '@agent-controller/shared-contracts';

/** The environments a client may be in (CLIENT_ENVIRONMENTS, validated at start-up); the first is the default. */
@Injectable()
export class ClientEnvironments {
  readonly names: readonly string[];

  constructor(@Inject(appConfig.KEY) config: Pick<AppConfig, 'clients'>) {
    this.names = config.clients.environments;
  }

  get defaultName(): string {
    return this.names[0];
  }

  /** `name` if it is configured, else 400 naming the field that carried it. */
  check(name: string, field: string, location: FieldError['location'] = 'body'): string {
    if (this.names.includes(name)) return name;
    throw new DomainError('VALIDATION_FAILED', `Unknown environment "${name}"`, {
      fields: [{ field, location, message: `must be one of: ${this.names.join(', ')}` }],
    });
  }
}
