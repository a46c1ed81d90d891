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
  -- timers and continuations only: work items are found through jobs_topic, and every index costs each insert
  CREATE INDEX jobs_engine_due ON jobs (due_at) WHERE kind != 'task' AND retries > 0;
  CREATE INDEX jobs_instance ON jobs (instance_id, element_instance_id);

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
  CREATE INDEX tasks_definition_key ON tasks (definition_key);
  CREATE INDEX tasks_element ON tasks (element_id);

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
  -- (instance_id) alone: every index entry already ends with the rowid, which is seq
  CREATE INDEX history_instance ON history (instance_id);
  -- history is written for every step and read mostly per instance; only the rare kinds that are
  -- queried across instances (tasks, incidents) get an index of their own, so the common rows stay cheap
  CREATE INDEX history_rare_kinds ON history (kind, seq)
    WHERE kind IN ('taskCreated', 'taskCompleted', 'taskDeleted', 'taskAssigned', 'incidentCreated', 'incidentResolved');
  `,
  /* 2: message and signal subscriptions (events waiting for the outside world) */ `
  CREATE TABLE subscriptions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    correlation_key TEXT,
    instance_id TEXT,
    element_instance_id TEXT,
    element_id TEXT NOT NULL,
    definition_id TEXT,
    business_key TEXT,
    tenant_id TEXT,
    interrupting INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX subscriptions_definition ON subscriptions (definition_id) WHERE instance_id IS NULL;
  -- the scheduler's next wake-up: locked jobs count at their lock expiry (see JobStore.nextDue)
  CREATE INDEX jobs_locked ON jobs (lock_expires_at) WHERE lock_expires_at IS NOT NULL;
  CREATE INDEX subscriptions_name ON subscriptions (kind, name);
  CREATE INDEX subscriptions_instance ON subscriptions (instance_id);
  CREATE INDEX subscriptions_element_instance ON subscriptions (element_instance_id);
  `,
  /* 3: model lifecycle registry (src/mlc): models, versions, runtimes, deployments, tests, alerts, training */ `
  CREATE TABLE mlc_models (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    owner_group TEXT,
    metadata TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );

  CREATE TABLE mlc_versions (
    model_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    artifact TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    features TEXT,
    input_schema TEXT NOT NULL,
    training_data TEXT,
    hyper_parameters TEXT,
    training_metrics TEXT,
    baseline TEXT,
    description TEXT,
    created_by_instance TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (model_id, version)
  ) WITHOUT ROWID;

  CREATE TABLE mlc_version_events (
    seq INTEGER PRIMARY KEY,
    model_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    kind TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    instance_id TEXT,
    actor TEXT,
    at INTEGER NOT NULL,
    data TEXT
  );
  CREATE INDEX mlc_version_events_version ON mlc_version_events (model_id, version, seq);

  CREATE TABLE mlc_runtimes (
    name TEXT PRIMARY KEY,
    stage TEXT NOT NULL,
    tags TEXT NOT NULL,
    capabilities TEXT NOT NULL,
    features TEXT,
    description TEXT,
    created_at INTEGER NOT NULL
  );

  CREATE TABLE mlc_deployments (
    id TEXT PRIMARY KEY,
    model_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    runtime TEXT NOT NULL,
    stage TEXT NOT NULL,
    status TEXT NOT NULL,
    instance_id TEXT,
    deployed_at INTEGER NOT NULL,
    ended_at INTEGER
  );
  CREATE INDEX mlc_deployments_model ON mlc_deployments (model_id, version);
  CREATE INDEX mlc_deployments_runtime ON mlc_deployments (runtime, status);

  CREATE TABLE mlc_test_results (
    id TEXT PRIMARY KEY,
    model_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    dataset TEXT NOT NULL,
    purpose TEXT NOT NULL,
    passed INTEGER NOT NULL,
    metrics TEXT,
    drift TEXT,
    verdict TEXT NOT NULL,
    error TEXT,
    instance_id TEXT,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX mlc_test_results_version ON mlc_test_results (model_id, version, created_at);

  CREATE TABLE mlc_alerts (
    id TEXT PRIMARY KEY,
    model_id TEXT,
    version INTEGER,
    severity TEXT NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    details TEXT,
    instance_id TEXT,
    webhook_status TEXT,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX mlc_alerts_model ON mlc_alerts (model_id, created_at);

  CREATE TABLE mlc_training_jobs (
    id TEXT PRIMARY KEY,
    idempotency_key TEXT UNIQUE,
    model_id TEXT NOT NULL,
    base_version INTEGER,
    status TEXT NOT NULL,
    spec TEXT NOT NULL,
    result_version INTEGER,
    error TEXT,
    log_file TEXT,
    instance_id TEXT,
    started_at INTEGER NOT NULL,
    ended_at INTEGER
  );
  CREATE INDEX mlc_training_jobs_model ON mlc_training_jobs (model_id, started_at);

  CREATE TABLE mlc_handler_results (
    idempotency_key TEXT PRIMARY KEY,
    topic TEXT NOT NULL,
    outcome TEXT NOT NULL,
    created_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  /* 4: DMN decision definitions and their evaluations (src/dmn, decision-store.ts) */ `
  CREATE TABLE decision_definitions (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL,
    version INTEGER NOT NULL,
    version_tag TEXT,
    name TEXT,
    drd_key TEXT NOT NULL,
    deployment_id TEXT NOT NULL,
    resource_name TEXT NOT NULL,
    tenant_id TEXT,
    history_ttl TEXT,
    graph TEXT NOT NULL,
    deployed_at INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX decision_definitions_key_version ON decision_definitions (key, ifnull(tenant_id, ''), version);
  CREATE INDEX decision_definitions_deployment ON decision_definitions (deployment_id);

  CREATE TABLE decision_instances (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    decision_definition_id TEXT NOT NULL,
    decision_key TEXT NOT NULL,
    decision_version INTEGER NOT NULL,
    decision_name TEXT,
    drd_key TEXT,
    root_decision_instance_id TEXT,
    instance_id TEXT,
    definition_id TEXT,
    definition_key TEXT,
    element_id TEXT,
    element_instance_id TEXT,
    tenant_id TEXT,
    user_id TEXT,
    evaluated_at INTEGER NOT NULL,
    inputs TEXT NOT NULL,
    outputs TEXT NOT NULL,
    matched_rules TEXT NOT NULL,
    collect_result TEXT
  );
  CREATE INDEX decision_instances_instance ON decision_instances (instance_id) WHERE instance_id IS NOT NULL;
  CREATE INDEX decision_instances_definition ON decision_instances (decision_definition_id);
  CREATE INDEX decision_instances_key ON decision_instances (decision_key, evaluated_at);
  `,
  /* 5: identity (src/identity): users with scrypt password hashes, groups, memberships, user-bound API tokens */ `
  CREATE TABLE identity_users (
    id TEXT PRIMARY KEY,
    first_name TEXT,
    last_name TEXT,
    email TEXT,
    password_hash TEXT,
    created_at INTEGER NOT NULL
  );

  CREATE TABLE identity_groups (
    id TEXT PRIMARY KEY,
    name TEXT,
    type TEXT,
    created_at INTEGER NOT NULL
  );

  CREATE TABLE identity_memberships (
    group_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (group_id, user_id)
  ) WITHOUT ROWID;
  CREATE INDEX identity_memberships_user ON identity_memberships (user_id);

  CREATE TABLE identity_tokens (
    token_sha256 TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    created_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX identity_tokens_user ON identity_tokens (user_id);
  `,
  /* 6: the cockpit's layout of a diagram deployed without diagram interchange (the deployed XML stays as written) */ `
  CREATE TABLE diagram_layouts (
    definition_id TEXT PRIMARY KEY,
    xml TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  `,
  /* 7: compensation subscriptions: completed activities a compensation throw can still compensate (src/store/compensation-store.ts) */ `
  CREATE TABLE compensations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    instance_id TEXT NOT NULL,
    scope_id TEXT,
    element_id TEXT NOT NULL,
    element_instance_id TEXT NOT NULL,
    handler_id TEXT,
    variables TEXT NOT NULL,
    completed_at INTEGER NOT NULL
  );
  CREATE INDEX compensations_instance ON compensations (instance_id, seq);
  `,
  /* 8: suspension (Camunda's suspensionState): a suspended instance's jobs and tasks carry the flag too, so the
     scheduler, fetch-and-lock and the task list skip them without a join; a suspended definition starts nothing */ `
  ALTER TABLE instances ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE definitions ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE jobs ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE tasks ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0;
  `,
  /* 9: history written as one row per step of an instance (see RuntimeStore.history); \`history\` becomes a view of the same columns */ `
  -- the rows written so far stay where they are, under a new name, with their indexes; the rare
  -- kinds (tasks, incidents) keep being written here, where history_rare_kinds finds them across instances
  ALTER TABLE history RENAME TO history_rows;
  -- every other entry of one step of one instance goes into one row: a JSON array of
  -- [kind, element_instance_id, element_id, element_type, started_at, at, actor, data],
  -- the n-th of which has seq first_seq + n (one sequence shared with history_rows)
  CREATE TABLE history_steps (
    first_seq INTEGER PRIMARY KEY,
    instance_id TEXT NOT NULL,
    entries TEXT NOT NULL
  );
  CREATE INDEX history_steps_instance ON history_steps (instance_id);
  CREATE VIEW history (seq, instance_id, kind, element_instance_id, element_id, element_type, started_at, at, actor, data) AS
    SELECT seq, instance_id, kind, element_instance_id, element_id, element_type, started_at, at, actor, data FROM history_rows
    UNION ALL
    SELECT s.first_seq + e.key, s.instance_id, e.value ->> 0, e.value ->> 1, e.value ->> 2, e.value ->> 3, e.value ->> 4, e.value ->> 5, e.value ->> 6, e.value ->> 7
      FROM history_steps s, json_each(s.entries) e;
  `,
];
