import { MigrationInterface, QueryRunner } from 'typeorm';

export class ClientRegistry1795386483536 implements MigrationInterface {
  name = 'ClientRegistry1795386483536';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "audit_events" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "actor_type" character varying(16) NOT NULL,
                "actor_id" uuid,
                "actor_email" character varying(254),
                "action" character varying(100) NOT NULL,
                "target_type" character varying(50),
                "target_id" character varying(100),
                "outcome" character varying(16) NOT NULL,
                "request_id" character varying(128),
                "ip" character varying(64),
                "changes" jsonb,
                "details" jsonb,
                CONSTRAINT "CHK_audit_events_outcome" CHECK ("outcome" IN ('success', 'failure', 'denied')),
                CONSTRAINT "PK_910f64d901a5c3e9878f0d4a407" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_audit_events_target_id" ON "audit_events" ("target_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_audit_events_occurred_at" ON "audit_events" ("occurred_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "clients" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "name" character varying(255) NOT NULL,
                "description" character varying(2000),
                "endpoint" character varying(2048) NOT NULL,
                "authentication_type" character varying(16) NOT NULL,
                "api_key" text,
                "keycloak_client_id" character varying(255),
                "keycloak_client_secret" text,
                "keycloak_realm" character varying(255),
                "keycloak_auth_server_url" character varying(2048),
                "agent_ws_port" integer NOT NULL DEFAULT '8080',
                "status" character varying(16) NOT NULL DEFAULT 'active',
                "user_id" uuid,
                "config" jsonb,
                "health_state" character varying(16) NOT NULL DEFAULT 'unknown',
                "health_reason" character varying(1000),
                "health_checked_at" TIMESTAMP WITH TIME ZONE,
                "health_last_seen_at" TIMESTAMP WITH TIME ZONE,
                "health_latency_ms" integer,
                "key_created_at" TIMESTAMP WITH TIME ZONE,
                "key_rotated_at" TIMESTAMP WITH TIME ZONE,
                "last_used_at" TIMESTAMP WITH TIME ZONE,
                "is_auto_provisioned" boolean NOT NULL DEFAULT false,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "CHK_clients_agent_ws_port" CHECK (
                    "agent_ws_port" BETWEEN 1 AND 65535
                ),
                CONSTRAINT "CHK_clients_status" CHECK ("status" IN ('active', 'inactive')),
                CONSTRAINT "CHK_clients_authentication_type" CHECK ("authentication_type" IN ('api_key', 'keycloak')),
                CONSTRAINT "PK_f1ab7cf3a5714dbc6bb4e1c28a4" PRIMARY KEY ("id")
            )
        `);
    // Names are unique case-insensitively (not expressible in TypeORM's entity metadata).
    await queryRunner.query(`
            CREATE UNIQUE INDEX "UQ_clients_name_lower" ON "clients" (lower("name"))
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_clients_user_id" ON "clients" ("user_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_clients_created_at" ON "clients" ("created_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "client_health_events" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "client_id" uuid NOT NULL,
                "from_state" character varying(16) NOT NULL,
                "to_state" character varying(16) NOT NULL,
                "reason" character varying(1000),
                "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_18f1bf33782ea8e25ff647c10a7" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_client_health_events_client_at" ON "client_health_events" ("client_id", "at")
        `);
    await queryRunner.query(`
            ALTER TABLE "clients"
            ADD CONSTRAINT "FK_07a7a09b04e7b035c9d90cf4984" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "client_health_events"
            ADD CONSTRAINT "FK_f5b9259911639f46a8512d0af1b" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "client_health_events" DROP CONSTRAINT "FK_f5b9259911639f46a8512d0af1b"
        `);
    await queryRunner.query(`
            ALTER TABLE "clients" DROP CONSTRAINT "FK_07a7a09b04e7b035c9d90cf4984"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_client_health_events_client_at"
        `);
    await queryRunner.query(`
            DROP TABLE "client_health_events"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_clients_created_at"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."UQ_clients_name_lower"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_clients_user_id"
        `);
    await queryRunner.query(`
            DROP TABLE "clients"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_audit_events_occurred_at"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_audit_events_target_id"
        `);
    await queryRunner.query(`
            DROP TABLE "audit_events"
        `);
  }
}
