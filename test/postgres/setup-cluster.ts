/**
 * vitest globalSetup of the `postgres` project: one throwaway PostgreSQL cluster for the whole
 * run (initdb + pg_ctl, ~2 s), its URL provided to every test worker, stopped and removed after.
 */
import type { TestProject } from 'vitest/node';
import { startThrowawayCluster } from './throwaway-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgres:// URL of the throwaway cluster's `postgres` database */
    postgresUrl: string;
  }
}

export default function setup(project: TestProject): () => void {
  const cluster = startThrowawayCluster();
  project.provide('postgresUrl', cluster.url);
  return () => cluster.stop();
}
