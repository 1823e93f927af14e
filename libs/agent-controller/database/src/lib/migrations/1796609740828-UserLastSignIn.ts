import { MigrationInterface, QueryRunner } from 'typeorm';

export class UserLastSignIn1796609740828 implements MigrationInterface {
  name = 'UserLastSignIn1796609740828';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Null until the user's next sign-in: earlier sign-ins were only in the audit log.
    await queryRunner.query(`
            ALTER TABLE "users"
            ADD "last_sign_in_at" TIMESTAMP WITH TIME ZONE
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "users" DROP COLUMN "last_sign_in_at"
        `);
  }
}
