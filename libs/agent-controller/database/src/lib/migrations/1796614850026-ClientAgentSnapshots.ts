import { MigrationInterface, QueryRunner } from 'typeorm';

export class ClientAgentSnapshots1796614850026 implements MigrationInterface {
  name = 'ClientAgentSnapshots1796614850026';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Each healthy client's agents as its remote last listed them (refreshed by the health prober).
    // pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it; the embedded PGlite loads it.
    await queryRunner.query(`
            CREATE EXTENSION IF NOT EXISTS pg_trgm
        `);
    await queryRunner.query(`
            CREATE TABLE "client_agent_snapshots" (
                "client_id" uuid NOT NULL,
                "agent_id" uuid NOT NULL,
                "name" character varying(255) NOT NULL,
                "description" text,
                "agent_type" character varying(50),
                "container_type" character varying(50),
                "running" boolean,
                "state_reported_at" TIMESTAMP WITH TIME ZONE,
                "remote_created_at" TIMESTAMP WITH TIME ZONE,
                "snapshot_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_2341353f82bc64f905c92c83de2" PRIMARY KEY ("client_id", "agent_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_client_agent_snapshots_agent_type" ON "client_agent_snapshots" ("agent_type")
        `);
    // The fleet agents search: case-insensitive substrings (ILIKE) of name and description.
    await queryRunner.query(`
            CREATE INDEX "IDX_client_agent_snapshots_name_trgm" ON "client_agent_snapshots" USING gin ("name" gin_trgm_ops)
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_client_agent_snapshots_description_trgm" ON "client_agent_snapshots" USING gin ("description" gin_trgm_ops)
        `);
    // The list's order (name, then client and agent), walked for a page without sorting every agent.
    await queryRunner.query(`
            CREATE INDEX "IDX_client_agent_snapshots_name_order" ON "client_agent_snapshots" (lower("name"), "client_id", "agent_id")
        `);
    await queryRunner.query(`
            ALTER TABLE "client_agent_snapshots"
            ADD CONSTRAINT "FK_c57a61e87dedaae9d8e9a9c19d7" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "client_agent_snapshots" DROP CONSTRAINT "FK_c57a61e87dedaae9d8e9a9c19d7"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_client_agent_snapshots_name_order"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_client_agent_snapshots_description_trgm"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_client_agent_snapshots_name_trgm"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_client_agent_snapshots_agent_type"
        `);
    await queryRunner.query(`
            DROP TABLE "client_agent_snapshots"
        `);
  }
}
