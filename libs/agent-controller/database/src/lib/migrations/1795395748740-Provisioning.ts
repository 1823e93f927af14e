import { MigrationInterface, QueryRunner } from 'typeorm';

export class Provisioning1795395748740 implements MigrationInterface {
  name = 'Provisioning1795395748740';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "provisioning_jobs" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "status" character varying(32) NOT NULL,
                "provider_type" character varying(32) NOT NULL,
                "server_type" character varying(64) NOT NULL,
                "location" character varying(64),
                "client_name" character varying(255) NOT NULL,
                "settings" jsonb NOT NULL,
                "secrets" text NOT NULL,
                "steps" jsonb NOT NULL,
                "server_name" character varying(255) NOT NULL,
                "server_id" character varying(64),
                "server_ipv4" character varying(64),
                "server_deleted_at" TIMESTAMP WITH TIME ZONE,
                "client_id" uuid,
                "warnings" jsonb NOT NULL,
                "error" text,
                "created_by" uuid,
                "bootstrap_token_hash" character varying(64),
                "bootstrap_expires_at" TIMESTAMP WITH TIME ZONE,
                "lease_owner" character varying(64),
                "lease_expires_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "finished_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_e4d20ac3a2168bf791678a4665b" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_provisioning_jobs_client_id" ON "provisioning_jobs" ("client_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_provisioning_jobs_lease" ON "provisioning_jobs" ("lease_expires_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_provisioning_jobs_created_at" ON "provisioning_jobs" ("created_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "controller_identity" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_1dd83604fb864f8566c500638e8" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "provisioning_orphans" (
                "provider_type" character varying(32) NOT NULL,
                "server_id" character varying(64) NOT NULL,
                "server_name" character varying(255) NOT NULL,
                "job_id" character varying(64),
                "first_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "deleted_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_41e5c914a6fd4ec1ed387efe235" PRIMARY KEY ("provider_type", "server_id")
            )
        `);
    await queryRunner.query(`
            ALTER TABLE "provisioning_jobs"
            ADD CONSTRAINT "FK_8135fe873f365c52fb2b5f554e3" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "provisioning_jobs"
            ADD CONSTRAINT "FK_327c90bfad8923f985d2a4df832" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "provisioning_jobs" DROP CONSTRAINT "FK_327c90bfad8923f985d2a4df832"
        `);
    await queryRunner.query(`
            ALTER TABLE "provisioning_jobs" DROP CONSTRAINT "FK_8135fe873f365c52fb2b5f554e3"
        `);
    await queryRunner.query(`
            DROP TABLE "provisioning_orphans"
        `);
    await queryRunner.query(`
            DROP TABLE "controller_identity"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_provisioning_jobs_created_at"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_provisioning_jobs_lease"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_provisioning_jobs_client_id"
        `);
    await queryRunner.query(`
            DROP TABLE "provisioning_jobs"
        `);
  }
}
