import { Catch, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { throwError, type Observable } from 'rxjs';

/**
 * Hands a record handler's error to the pipeline unchanged, so its class, `retriable` and `step`
 * still decide between retry and dead letter. Nest's own RPC filter would replace it with
 * "Internal server error" and log it whole, content included. Outside RPC (the health endpoint of a
 * hybrid app that shares its config) Nest's default handling applies.
 *
 * Register it as an `APP_FILTER` provider: a hybrid app's microservice registers its handlers when
 * it is connected, so filters added to it afterwards would not reach them.
 */
@Catch()
export class PipelineErrorsFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    if (host.getType() === 'rpc') return throwError(() => exception);
    super.catch(exception, host);
  }
}
