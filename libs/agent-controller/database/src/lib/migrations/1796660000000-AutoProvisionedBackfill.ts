import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Clients that a provisioning job made before the runner marked them (`is_auto_provisioned` came with the column
 * but was never set) are marked now, so their pages show the cloud server they run on.
 */
export class AutoProvisionedBackfill1796660000000 implements MigrationInterface {
  name = 'AutoProvisionedBackfill1796660000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            UPDATE "clients" SET "is_auto_provisioned" = true
            WHERE NOT "is_auto_provisioned"
              AND "id" IN (SELECT "client_id" FROM "provisioning_jobs" WHERE "status" = 'succeeded')
        `);
  }

  public async down(): Promise<void> {
    // Nothing to undo: the flag is true of these clients whichever version reads it.
  }
}
