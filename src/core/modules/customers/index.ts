export * from './customers.service.ts';
