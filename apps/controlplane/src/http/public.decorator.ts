import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'fracta:public-route';

/** Marks a route that needs no token (health checks only). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
