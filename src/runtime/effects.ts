import type { JobRecord } from '../store/records.js';
import type { Variables } from './variables.js';

/**
 * What a step asks the world to do once its transaction has committed (the outbox). A crash
 * between the commit and an effect loses only the effect: jobs and timers are durable rows and
 * are picked up again on restart.
 */
export type Effect =
  /** call the in-process handler for a job this engine has locked */
  | { kind: 'invoke'; job: JobRecord; variables: Variables; businessKey: string | null }
  /** a job became available to remote workers on this topic */
  | { kind: 'jobAvailable'; topic: string }
  /** something is due at this time: make sure the scheduler wakes by then */
  | { kind: 'wake'; at: number }
  /** an instance reached an end */
  | { kind: 'instanceEnded'; instanceId: string; state: 'completed' | 'terminated' }
  /** a user task was created or ended (for listeners, live views) */
  | { kind: 'taskChanged'; taskId: string; instanceId: string; change: 'created' | 'completed' | 'deleted' | 'assigned' }
  | { kind: 'incident'; instanceId: string; incidentId: string; message: string };
