export * from './roles.ts';
export * from './permissions.ts';
export * from './users.service.ts';
export * from './auth.service.ts';
export { hashPassword, verifyPassword } from './password.ts';
export { newUserBody, userPassword } from './user.schemas.ts';
