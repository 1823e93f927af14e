import { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1795384171879 implements MigrationInterface {
  name = 'Foundation1795384171879';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "users" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "email" character varying(254) NOT NULL,
                "password_hash" text,
                "role" character varying(16) NOT NULL DEFAULT 'user',
                "locked_at" TIMESTAMP WITH TIME ZONE,
                "token_version" integer NOT NULL DEFAULT '0',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" UNIQUE ("email"),
                CONSTRAINT "CHK_users_email_lower_case" CHECK ("email" = lower("email")),
                CONSTRAINT "CHK_users_role" CHECK ("role" IN ('admin', 'user')),
                CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "setup_tokens" (
                "id" smallint NOT NULL DEFAULT '1',
                "token_hash" character varying(64) NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "CHK_setup_tokens_singleton" CHECK ("id" = 1),
                CONSTRAINT "PK_c0126c8e0a96d2587921ef73160" PRIMARY KEY ("id")
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "setup_tokens"
        `);
    await queryRunner.query(`
            DROP TABLE "users"
        `);
  }
}
