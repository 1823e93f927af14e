import { Injectable } from '@nestjs/common';
import { ProvisioningJob } from '@agent-controller/shared-contracts';
import { Subject } from 'rxjs';

/** Job changes as they happen in this process; the gateway pushes them to the job's owner. */
@Injectable()
export class ProvisioningProgress {
  readonly changes = new Subject<ProvisioningJob>();
}
