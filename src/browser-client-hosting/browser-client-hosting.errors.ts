import { HttpStatus } from '@nestjs/common';
import { defineErrors } from '../common/errors/define-errors';
import { CodesOf } from '../common/errors/error-codes';

export const browserClientHostingErrors = defineErrors({
  browser_client_build_unknown: [HttpStatus.NOT_FOUND, 'This server serves another build of @callpass/browser (see GET /v1/browser)'],
  browser_client_not_built: [HttpStatus.SERVICE_UNAVAILABLE, 'This server was deployed without its @callpass/browser build'],
});

declare module '../common/errors/error-codes' {
  interface ErrorCodes extends CodesOf<typeof browserClientHostingErrors> {}
}
