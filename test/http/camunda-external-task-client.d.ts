// camunda-external-task-client-js ships no types; the tests use a small part of it.
declare module 'camunda-external-task-client-js' {
  export interface Task {
    id: string;
    topicName: string;
    processInstanceId: string;
    businessKey: string | null;
    retries: number | null;
    variables: { get(name: string): unknown; getAll(): Record<string, unknown> };
  }
  export interface TaskService {
    complete(task: Task, variables?: Variables, localVariables?: Variables): Promise<void>;
    handleFailure(task: Task, options: { errorMessage?: string; errorDetails?: string; retries?: number; retryTimeout?: number }): Promise<void>;
    handleBpmnError(task: Task, errorCode: string, errorMessage?: string, variables?: Variables): Promise<void>;
    extendLock(task: Task, newDuration: number): Promise<void>;
    unlock(task: Task): Promise<void>;
  }
  export class Variables {
    set(name: string, value: unknown): this;
    setTyped(name: string, typed: { type: string; value: unknown; valueInfo?: Record<string, unknown> }): this;
  }
  export class Client {
    constructor(options: Record<string, unknown>);
    subscribe(topic: string, handler: (args: { task: Task; taskService: TaskService }) => Promise<void> | void): { unsubscribe(): void };
    subscribe(topic: string, options: Record<string, unknown>, handler: (args: { task: Task; taskService: TaskService }) => Promise<void> | void): { unsubscribe(): void };
    start(): void;
    stop(): void;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }
  export class BasicAuthInterceptor {
    constructor(options: { username: string; password: string });
  }
}
