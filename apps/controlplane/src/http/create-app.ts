/**
 * Builds the Nest application on Fastify (shared by main.ts and the e2e tests): body limit,
 * Host/Origin checks against DNS rebinding and browser cross-origin calls, request metrics.
 */
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';

import { AppModule, type AppDeps } from '../app.module.js';
import { MetricsService } from '../metrics/metrics.service.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function hostnameOf(hostHeader: string): string {
  return hostHeader.startsWith('[')
    ? hostHeader.slice(0, hostHeader.indexOf(']') + 1)
    : (hostHeader.split(':')[0] ?? '');
}

function isLoopbackBind(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || host.startsWith('127.');
}

function isLoopbackOrigin(origin: string): boolean {
  try {
    return LOOPBACK_HOSTS.has(new URL(origin).hostname);
  } catch {
    return false;
  }
}

export async function createApp(deps: AppDeps): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    // close() ends open streams (SSE watchers such as the gateway, log followers) instead of
    // waiting for their clients to hang up, so a restart is prompt.
    forceCloseConnections: true,
    bodyLimit: deps.config.http.bodyLimitBytes,
    maxParamLength: 200,
    requestTimeout: 0,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(deps), adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  const metrics = app.get(MetricsService);
  const fastify = app.getHttpAdapter().getInstance();
  const loopbackOnly = isLoopbackBind(deps.config.http.host);

  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (loopbackOnly && !LOOPBACK_HOSTS.has(hostnameOf(request.headers.host ?? ''))) {
      await reply.status(403).send({
        error: {
          code: 'HOST_FORBIDDEN',
          message: 'this control plane only answers to localhost / 127.0.0.1 / [::1]',
        },
      });
      return reply;
    }
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== 'null') {
      if (!loopbackOnly || !isLoopbackOrigin(origin)) {
        await reply
          .status(403)
          .send({ error: { code: 'ORIGIN_FORBIDDEN', message: 'cross-origin requests are refused' } });
        return reply;
      }
    }
    return undefined;
  });
  fastify.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    await Promise.resolve();
  });
  return app;
}
