import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { Inject } from '@nestjs/common';
import { AppConfig, CurrentPrincipal, Public, StrictRateLimit, appConfig } from '@agent-controller/core';
import { ZodResponse } from 'nestjs-zod';
import {
  AuthConfigDto,
  ChangePasswordRequestDto,
  LoginRequestDto,
  PrincipalDto,
  SetupRequestDto,
  SetupStatusDto,
  TokenResponseDto,
} from '../dto';
import { SetupService } from '../setup/setup.service';
import { toAuthConfigResponse } from './auth-config.mapper';
import { AuthService } from './auth.service';
import { AuthenticatedPrincipal, toPrincipalResponse } from './principal';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly setup: SetupService,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  @Public()
  @Get('setup')
  @ZodResponse({ status: 200, type: SetupStatusDto, description: 'Whether first-run setup is still needed' })
  getSetupStatus() {
    return this.setup.status();
  }

  @Public()
  @Get('config')
  @ZodResponse({
    status: 200,
    type: AuthConfigDto,
    description: "How to sign in: the authentication method and, in keycloak mode, the console's OpenID client",
  })
  getAuthConfig() {
    return toAuthConfigResponse(this.config.auth);
  }

  @Public()
  @StrictRateLimit()
  @Post('setup')
  @ZodResponse({ status: 201, type: TokenResponseDto, description: 'First admin created and logged in' })
  createFirstAdmin(@Body() body: SetupRequestDto) {
    return this.setup.createFirstAdmin(body);
  }

  @Public()
  @StrictRateLimit()
  @Post('login')
  @HttpCode(200)
  @ZodResponse({ status: 200, type: TokenResponseDto })
  @ApiTooManyRequestsResponse({
    description:
      'With `Retry-After` (seconds). `RATE_LIMITED`: this address sent too many log-ins. Per account (the e-mail ' +
      'tried, known or not): `LOGIN_THROTTLED` after a few failures, try again at `details.retryAt`; ' +
      '`LOGIN_LOCKED` after LOGIN_ACCOUNT_MAX_FAILURES failures, every try (even the right password) is refused ' +
      'until `details.lockedUntil`, or until a global admin unlocks the user. A success resets the count.',
  })
  login(@Body() body: LoginRequestDto) {
    return this.auth.login(body);
  }

  @ApiBearerAuth()
  @Post('refresh')
  @HttpCode(200)
  @ZodResponse({ status: 200, type: TokenResponseDto, description: 'A new token for a still-valid one' })
  refresh(@CurrentPrincipal() principal: AuthenticatedPrincipal) {
    return this.auth.refresh(principal);
  }

  @ApiBearerAuth()
  @Get('me')
  @ZodResponse({ status: 200, type: PrincipalDto })
  me(@CurrentPrincipal() principal: AuthenticatedPrincipal) {
    return toPrincipalResponse(principal, this.config.auth.method);
  }

  @ApiBearerAuth()
  @StrictRateLimit()
  @Post('password')
  @HttpCode(200)
  @ZodResponse({ status: 200, type: TokenResponseDto, description: 'Password changed; other sessions end' })
  changePassword(@CurrentPrincipal() principal: AuthenticatedPrincipal, @Body() body: ChangePasswordRequestDto) {
    return this.auth.changePassword(principal, body);
  }
}
