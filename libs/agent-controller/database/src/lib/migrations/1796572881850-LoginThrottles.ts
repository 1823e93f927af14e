import { MigrationInterface, QueryRunner } from 'typeorm';

export class LoginThrottles1796572881850 implements MigrationInterface {
  name = 'LoginThrottles1796572881850';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // The per-account log-in budget, keyed by the e-mail tried (known or not).
    await queryRunner.query(`
            CREATE TABLE "login_throttles" (
                "email" character varying(254) NOT NULL,
                "failures" integer NOT NULL DEFAULT '0',
                "window_started_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "next_attempt_at" TIMESTAMP WITH TIME ZONE,
                "locked_until" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_f68410cc6124d967bf665a1b81d" PRIMARY KEY ("email")
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "login_throttles"
        `);
  }
}
