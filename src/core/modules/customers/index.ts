export * from './customers.service.ts';
export * from './phone.ts';
