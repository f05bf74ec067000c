import { DomainError } from '@fracta/domain';

/** 401: no or a wrong token. (`forbidden` would be 403: a known caller without the right.) */
export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED';
  readonly category = 'forbidden';
}
