export interface PostgresServer {
  readonly url: string;
  readonly port: number;
  start(): Promise<void>;
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  createSchema(name: string): Promise<string>;
  destroy(): Promise<void>;
}
export function startPostgres(options?: { durable?: boolean; throwaway?: boolean }): Promise<PostgresServer>;
