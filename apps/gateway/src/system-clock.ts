import { Clock } from '@fracta/domain';

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
