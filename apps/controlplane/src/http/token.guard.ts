import { createHash, timingSafeEqual } from 'node:crypto';

import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';

import { AppConfig } from '../config.js';

import { PUBLIC_ROUTE } from './public.decorator.js';
import { UnauthenticatedError } from './unauthenticated.error.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Bearer token on every route not marked @Public(); compared in constant time. */
@Injectable()
export class TokenGuard implements CanActivate {
  readonly #expected: Buffer;

  constructor(
    config: AppConfig,
    private readonly reflector: Reflector,
  ) {
    this.#expected = digest(config.token);
  }

  canActivate(context: ExecutionContext): boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic === true) return true;
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([\x21-\x7e]{1,512})$/.exec(header) : null;
    if (!match?.[1])
      throw new UnauthenticatedError(
        'missing bearer token: send "Authorization: Bearer <token>" (local mode: .fracta/controlplane.token)',
      );
    if (!timingSafeEqual(digest(match[1]), this.#expected))
      throw new UnauthenticatedError('invalid bearer token');
    return true;
  }
}
