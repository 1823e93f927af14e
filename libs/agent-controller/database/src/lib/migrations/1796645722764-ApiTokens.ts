import { MigrationInterface, QueryRunner } from 'typeorm';

export class ApiTokens1796645722764 implements MigrationInterface {
  name = 'ApiTokens1796645722764';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "api_tokens" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "user_id" uuid NOT NULL,
                "name" character varying(100) NOT NULL,
                "token_hash" character(64) NOT NULL,
                "prefix" character varying(16) NOT NULL,
                "access" character varying(16) NOT NULL,
                "client_ids" uuid array,
                "team_ids" uuid array,
                "selector" text,
                "allowed_cidrs" text array,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                "last_used_at" TIMESTAMP WITH TIME ZONE,
                "last_used_ip" character varying(64),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "CHK_api_tokens_access" CHECK ("access" IN ('read', 'operate', 'manage')),
                CONSTRAINT "PK_c587455266b5fa8dace7194caac" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_api_tokens_user_id" ON "api_tokens" ("user_id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "UQ_api_tokens_token_hash" ON "api_tokens" ("token_hash")
        `);
    await queryRunner.query(`
            ALTER TABLE "api_tokens"
            ADD CONSTRAINT "FK_b74883f5884a42fd8496d389b25" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "api_tokens" DROP CONSTRAINT "FK_b74883f5884a42fd8496d389b25"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."UQ_api_tokens_token_hash"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_api_tokens_user_id"
        `);
    await queryRunner.query(`
            DROP TABLE "api_tokens"
        `);
  }
}
