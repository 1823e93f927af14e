import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Setup tokens: one per replica start instead of a single one each start replaced, so the token any replica printed
 * works (a fleet starting together used to leave only the last one valid). A pending token is kept.
 */
export class SetupTokenPerReplica1796661000000 implements MigrationInterface {
  name = 'SetupTokenPerReplica1796661000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "setup_tokens" DROP CONSTRAINT "CHK_setup_tokens_singleton"
        `);
    await queryRunner.query(`
            ALTER TABLE "setup_tokens" DROP CONSTRAINT "PK_c0126c8e0a96d2587921ef73160"
        `);
    await queryRunner.query(`
            ALTER TABLE "setup_tokens" DROP COLUMN "id"
        `);
    await queryRunner.query(`
            ALTER TABLE "setup_tokens"
            ADD CONSTRAINT "PK_38e8b2c8ceb99dce3e046da7c57" PRIMARY KEY ("token_hash")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // The single row cannot hold several tokens: pending ones go, and the next start prints a new one.
    await queryRunner.query(`
            DELETE FROM "setup_tokens"
        `);
    await queryRunner.query(`
            ALTER TABLE "setup_tokens" DROP CONSTRAINT "PK_38e8b2c8ceb99dce3e046da7c57"
        `);
    await queryRunner.query(`
            ALTER TABLE "setup_tokens"
            ADD "id" smallint NOT NULL DEFAULT '1'
        `);
    await queryRunner.query(`
            ALTER TABLE "setup_tokens"
            ADD CONSTRAINT "PK_c0126c8e0a96d2587921ef73160" PRIMARY KEY ("id")
        `);
    await queryRunner.query(`
            ALTER TABLE "setup_tokens"
            ADD CONSTRAINT "CHK_setup_tokens_singleton" CHECK ("id" = 1)
        `);
  }
}
