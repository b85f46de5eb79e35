import { Injectable } from '@nestjs/common';

/** Whether this process is shutting down: from then on readiness fails, so load balancers send nothing new. */
@Injectable()
export class DrainService {
  private started = false;

  get draining(): boolean {
    return this.started;
  }

  begin(): void {
    this.started = true;
  }
}
