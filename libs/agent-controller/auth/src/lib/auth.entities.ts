import { ApiTokenEntity } from './api-tokens/api-token.entity';
import { LoginThrottleEntity } from './authentication/login-throttle/login-throttle.entity';
import { SetupTokenEntity } from './setup/setup-token.entity';
import { UserEntity } from './users/user.entity';

export { ApiTokenEntity, LoginThrottleEntity, SetupTokenEntity, UserEntity };

/** Entities this module owns, for the data source's entity list. */
export const AUTH_ENTITIES = [UserEntity, SetupTokenEntity, LoginThrottleEntity, ApiTokenEntity];
