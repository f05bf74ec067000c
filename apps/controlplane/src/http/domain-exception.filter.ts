import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { PinoLogger } from 'nestjs-pino';

import { toHttpError } from './error-mapping.js';

/** Every error leaving a controller becomes `{"error":{code,message,details}}` with its status. */
@Catch()
export class DomainExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: PinoLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const mapped =
      exception instanceof HttpException
        ? {
            status: exception.getStatus(),
            body: {
              error: {
                code: exception.getStatus() === 404 ? 'ROUTE_NOT_FOUND' : 'HTTP_ERROR',
                message: exception.message,
              },
            },
          }
        : toHttpError(exception);
    if (mapped.status >= 500) this.logger.error({ err: exception }, 'request failed');
    void reply.status(mapped.status).send(mapped.body);
  }
}
