import { createZodDto } from 'nestjs-zod';
import {
  authConfigSchema,
  changePasswordRequestSchema,
  createUserRequestSchema,
  loginRequestSchema,
  principalSchema,
  setupRequestSchema,
  setupStatusSchema,
  tokenResponseSchema,
  updateUserRequestSchema,
  userSchema,
} from '@agent-controller/shared-contracts';

export class LoginRequestDto extends createZodDto(loginRequestSchema) {}
export class SetupRequestDto extends createZodDto(setupRequestSchema) {}
export class SetupStatusDto extends createZodDto(setupStatusSchema) {}
export class AuthConfigDto extends createZodDto(authConfigSchema) {}
export class TokenResponseDto extends createZodDto(tokenResponseSchema) {}
export class PrincipalDto extends createZodDto(principalSchema) {}
export class ChangePasswordRequestDto extends createZodDto(changePasswordRequestSchema) {}
export class UserDto extends createZodDto(userSchema) {}
export class CreateUserRequestDto extends createZodDto(createUserRequestSchema) {}
export class UpdateUserRequestDto extends createZodDto(updateUserRequestSchema) {}
