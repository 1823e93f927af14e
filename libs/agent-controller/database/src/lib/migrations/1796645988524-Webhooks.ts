import { MigrationInterface, QueryRunner } from 'typeorm';

export class Webhooks1796645988524 implements MigrationInterface {
  name = 'Webhooks1796645988524';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "webhooks" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "name" character varying(100),
                "url" character varying(2048) NOT NULL,
                "events" text array NOT NULL,
                "team_id" uuid,
                "selector" character varying(1024),
                "secret" text NOT NULL,
                "format" character varying(16) NOT NULL DEFAULT 'json',
                "enabled" boolean NOT NULL DEFAULT true,
                "disabled_reason" character varying(1000),
                "consecutive_failures" integer NOT NULL DEFAULT '0',
                "created_by" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_9e8795cfc899ab7bdaa831e8527" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_webhooks_team_id" ON "webhooks" ("team_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "webhook_deliveries" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "webhook_id" uuid NOT NULL,
                "event" character varying(64) NOT NULL,
                "payload" jsonb NOT NULL,
                "status" character varying(16) NOT NULL DEFAULT 'pending',
                "attempts" integer NOT NULL DEFAULT '0',
                "next_attempt_at" TIMESTAMP WITH TIME ZONE,
                "claim_token" uuid,
                "last_response_code" integer,
                "last_duration_ms" integer,
                "last_error" character varying(1000),
                "log" jsonb NOT NULL DEFAULT '[]',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "delivered_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_535dd409947fb6d8fc6dfc0112a" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_webhook_deliveries_due" ON "webhook_deliveries" ("next_attempt_at")
            WHERE status = 'pending'
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_webhook_deliveries_webhook_created" ON "webhook_deliveries" ("webhook_id", "created_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "webhook_health_pending" (
                "client_id" uuid NOT NULL,
                "from_state" character varying(16) NOT NULL,
                "to_state" character varying(16) NOT NULL,
                "reason" character varying(1000),
                "changes" integer NOT NULL,
                "first_changed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "last_changed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_28b44c865501550518a40552c63" PRIMARY KEY ("client_id")
            )
        `);
    await queryRunner.query(`
            ALTER TABLE "webhooks"
            ADD CONSTRAINT "FK_26d42440c87400a846e3660806f" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "webhook_deliveries"
            ADD CONSTRAINT "FK_a0286aeb96db651efd1ae2966f2" FOREIGN KEY ("webhook_id") REFERENCES "webhooks"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "webhook_health_pending"
            ADD CONSTRAINT "FK_28b44c865501550518a40552c63" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "webhook_health_pending" DROP CONSTRAINT "FK_28b44c865501550518a40552c63"
        `);
    await queryRunner.query(`
            ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "FK_a0286aeb96db651efd1ae2966f2"
        `);
    await queryRunner.query(`
            ALTER TABLE "webhooks" DROP CONSTRAINT "FK_26d42440c87400a846e3660806f"
        `);
    await queryRunner.query(`
            DROP TABLE "webhook_health_pending"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_webhook_deliveries_webhook_created"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_webhook_deliveries_due"
        `);
    await queryRunner.query(`
            DROP TABLE "webhook_deliveries"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_webhooks_team_id"
        `);
    await queryRunner.query(`
            DROP TABLE "webhooks"
        `);
  }
}
