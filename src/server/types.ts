import type { Actor } from '../core/shared/actor.ts';
import type { Permission } from '../core/modules/users/index.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission this route needs (from the matrix); every route declares one or is public. */
    permission?: Permission;
    public?: boolean;
  }
  interface FastifyRequest {
    actor: Actor | null;
    sessionToken: string | null;
  }
}

export {};
