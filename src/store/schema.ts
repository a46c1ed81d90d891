/**
 * The SQLite schema as an ordered list of migrations. A database remembers how many it has
 * applied (`PRAGMA user_version`), so opening an older file brings it up to date in place.
 */
export const migrations: readonly string[] = [
  /* 1: deployments, definitions, runtime state, jobs, tasks, incidents, history */ `
  CREATE TABLE deployments (
    id TEXT PRIMARY KEY,
    name TEXT,
    source TEXT,
    tenant_id TEXT,
    deployed_at INTEGER NOT NULL
  );
  CREATE INDEX deployments_name ON deployments (name, deployed_at);

  CREATE TABLE resources (
    id TEXT PRIMARY KEY,
    deployment_id TEXT NOT NULL,
    name TEXT NOT NULL,
    content BLOB NOT NULL,
    sha256 TEXT NOT NULL
  );
  CREATE INDEX resources_deployment ON resources (deployment_id);

  CREATE TABLE definitions (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL,
    version INTEGER NOT NULL,
    version_tag TEXT,
    name TEXT,
    deployment_id TEXT NOT NULL,
    resource_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    tenant_id TEXT,
    graph TEXT NOT NULL,
    deployed_at INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX definitions_key_version ON definitions (key, ifnull(tenant_id, ''), version);

  CREATE TABLE instances (
    id TEXT PRIMARY KEY,
    definition_id TEXT NOT NULL,
    definition_key TEXT NOT NULL,
    business_key TEXT,
    state TEXT NOT NULL,
    parent_instance_id TEXT,
    parent_element_instance_id TEXT,
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    start_element_id TEXT,
    end_element_id TEXT
  );
  CREATE INDEX instances_state ON instances (state, definition_key);
  CREATE INDEX instances_business_key ON instances (business_key) WHERE business_key IS NOT NULL;
  CREATE INDEX instances_definition ON instances (definition_id);
  CREATE INDEX instances_parent ON instances (parent_instance_id) WHERE parent_instance_id IS NOT NULL;

  CREATE TABLE element_instances (
    id TEXT PRIMARY KEY,
    instance_id TEXT NOT NULL,
    parent_id TEXT,
    element_id TEXT NOT NULL,
    state TEXT NOT NULL,
    data TEXT,
    started_at INTEGER NOT NULL
  );
  CREATE INDEX element_instances_instance ON element_instances (instance_id);
  CREATE INDEX element_instances_element ON element_instances (element_id);

  CREATE TABLE variables (
    scope_id TEXT NOT NULL,
    name TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    type TEXT NOT NULL,
    value TEXT,
    PRIMARY KEY (scope_id, name)
  ) WITHOUT ROWID;
  CREATE INDEX variables_instance ON variables (instance_id);

  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    instance_id TEXT,
    element_instance_id TEXT,
    element_id TEXT,
    definition_id TEXT,
    definition_key TEXT,
    topic TEXT,
    due_at INTEGER NOT NULL,
    lock_owner TEXT,
    lock_expires_at INTEGER,
    retries INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    priority INTEGER NOT NULL DEFAULT 0,
    error_message TEXT,
    error_details TEXT,
    payload TEXT,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX jobs_topic ON jobs (topic, due_at) WHERE kind = 'task';
  CREATE INDEX jobs_due ON jobs (due_at) WHERE retries > 0;
  CREATE INDEX jobs_instance ON jobs (instance_id);
  CREATE INDEX jobs_element_instance ON jobs (element_instance_id);

  CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    instance_id TEXT NOT NULL,
    element_instance_id TEXT NOT NULL,
    element_id TEXT NOT NULL,
    definition_id TEXT NOT NULL,
    definition_key TEXT NOT NULL,
    name TEXT,
    assignee TEXT,
    candidate_groups TEXT,
    candidate_users TEXT,
    form_key TEXT,
    form_ref TEXT,
    priority INTEGER NOT NULL DEFAULT 50,
    due_at INTEGER,
    follow_up_at INTEGER,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX tasks_instance ON tasks (instance_id);
  CREATE INDEX tasks_assignee ON tasks (assignee) WHERE assignee IS NOT NULL;
  CREATE INDEX tasks_element_instance ON tasks (element_instance_id);
  CREATE INDEX tasks_created ON tasks (created_at);

  CREATE TABLE task_candidates (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    task_id TEXT NOT NULL,
    PRIMARY KEY (kind, value, task_id)
  ) WITHOUT ROWID;
  CREATE INDEX task_candidates_task ON task_candidates (task_id);

  CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    definition_id TEXT,
    element_instance_id TEXT,
    element_id TEXT,
    job_id TEXT,
    message TEXT,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX incidents_instance ON incidents (instance_id);
  CREATE INDEX incidents_job ON incidents (job_id);

  CREATE TABLE history (
    seq INTEGER PRIMARY KEY,
    instance_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    element_instance_id TEXT,
    element_id TEXT,
    element_type TEXT,
    started_at INTEGER,
    at INTEGER NOT NULL,
    actor TEXT,
    data TEXT
  );
  CREATE INDEX history_instance ON history (instance_id, seq);
  CREATE INDEX history_kind ON history (kind, at);
  `,
  /* 2: message and signal subscriptions (events waiting for the outside world) */ `
  CREATE TABLE subscriptions (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    correlation_key TEXT,
    instance_id TEXT,
    element_instance_id TEXT,
    element_id TEXT NOT NULL,
    definition_id TEXT,
    business_key TEXT,
    interrupting INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX subscriptions_name ON subscriptions (kind, name);
  CREATE INDEX subscriptions_instance ON subscriptions (instance_id);
  CREATE INDEX subscriptions_element_instance ON subscriptions (element_instance_id);
  `,
];
