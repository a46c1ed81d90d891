/**
 * What a batch wrote that other engine nodes may want to act on: collected while the batch's
 * change sets are applied, sent after its commit as one notification (see notifications.ts).
 * `topic:<name>`: a work item of that topic; `jobs`: engine jobs, or jobs freed or rescheduled
 * (receivers look at every topic); `deploy`: definitions changed; the rest is informational.
 */
import type { Change } from '../change-set.js';

export class WrittenWork {
  private readonly kinds = new Set<string>();

  note(change: Change): void {
    switch (change.kind) {
      case 'insertJob':
        this.kinds.add(change.job.topic !== null && change.job.kind === 'task' ? `topic:${change.job.topic}` : 'jobs');
        return;
      case 'insertSignalJob':
      case 'failJob':
      case 'setJobRetries':
      case 'rescheduleJob':
      case 'setInstanceSuspension':
        this.kinds.add('jobs');
        return;
      case 'lockJob':
        // a lock given back: the job is free for anyone again
        if (change.owner === null) this.kinds.add('jobs');
        return;
      case 'insertTask':
        this.kinds.add('tasks');
        return;
      case 'insertBufferedMessage':
        this.kinds.add('messages');
        return;
      case 'insertSubscription':
        this.kinds.add('subscriptions');
        return;
      case 'insertDefinition':
      case 'insertDecisionDefinition':
      case 'deleteDeployment':
      case 'setDefinitionSuspension':
        this.kinds.add('deploy');
        this.kinds.add('jobs');
        return;
      default:
        return;
    }
  }

  /** Everything noted since the last call. */
  take(): string[] {
    if (this.kinds.size === 0) return [];
    const kinds = [...this.kinds];
    this.kinds.clear();
    return kinds;
  }
}
