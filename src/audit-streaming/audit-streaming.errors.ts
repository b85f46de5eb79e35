import { HttpStatus } from '@nestjs/common';
import { defineErrors } from '../common/errors/define-errors';
import { CodesOf } from '../common/errors/error-codes';

export const auditStreamingErrors = defineErrors({
  audit_sink_not_found: [HttpStatus.NOT_FOUND, 'No such audit sink'],
  audit_sink_name_taken: [HttpStatus.CONFLICT, 'Another audit sink of this tenant has this name'],
  audit_sink_limit_reached: [HttpStatus.CONFLICT, 'This tenant has as many audit sinks as it may have'],
  audit_sink_has_no_signing_secret: [HttpStatus.CONFLICT, 'Only a webhook sink has a signing secret; change other sinks with PATCH'],
  audit_sink_unreadable: [
    HttpStatus.INTERNAL_SERVER_ERROR,
    'The stored secrets of this audit sink cannot be decrypted (missing key or tampered data)',
  ],
});

declare module '../common/errors/error-codes' {
  interface ErrorCodes extends CodesOf<typeof auditStreamingErrors> {}
}
