import { MigrationInterface, QueryRunner } from 'typeorm';

export class Teams1796644330138 implements MigrationInterface {
  name = 'Teams1796644330138';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "teams" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "name" character varying(100) NOT NULL,
                "description" text,
                "default_agent_ws_port" integer,
                "default_keycloak_realm" character varying(255),
                "default_keycloak_auth_server_url" character varying(2048),
                "default_labels" jsonb NOT NULL DEFAULT '{}',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_7e5523774a38b08a6236d322403" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "team_members" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "team_id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "role" character varying(16) NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_team_members_team_user" UNIQUE ("team_id", "user_id"),
                CONSTRAINT "CHK_team_members_role" CHECK ("role" IN ('admin', 'member')),
                CONSTRAINT "PK_ca3eae89dcf20c9fd95bf7460aa" PRIMARY KEY ("id")
            )
        `);
    // Names are unique case-insensitively (TypeORM cannot express the expression index).
    await queryRunner.query(`
            CREATE UNIQUE INDEX "UQ_teams_name_lower" ON "teams" (lower("name"))
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_team_members_user_id" ON "team_members" ("user_id")
        `);
    await queryRunner.query(`
            ALTER TABLE "clients"
            ADD "team_id" uuid
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_clients_team_id" ON "clients" ("team_id")
        `);
    await queryRunner.query(`
            ALTER TABLE "clients"
            ADD CONSTRAINT "FK_clients_team_id" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "team_members"
            ADD CONSTRAINT "FK_fdad7d5768277e60c40e01cdcea" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "team_members"
            ADD CONSTRAINT "FK_c2bf4967c8c2a6b845dadfbf3d4" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "team_members" DROP CONSTRAINT "FK_c2bf4967c8c2a6b845dadfbf3d4"
        `);
    await queryRunner.query(`
            ALTER TABLE "team_members" DROP CONSTRAINT "FK_fdad7d5768277e60c40e01cdcea"
        `);
    await queryRunner.query(`
            ALTER TABLE "clients" DROP CONSTRAINT "FK_clients_team_id"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_clients_team_id"
        `);
    await queryRunner.query(`
            ALTER TABLE "clients" DROP COLUMN "team_id"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_team_members_user_id"
        `);
    await queryRunner.query(`
            DROP TABLE "team_members"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."UQ_teams_name_lower"
        `);
    await queryRunner.query(`
            DROP TABLE "teams"
        `);
  }
}
