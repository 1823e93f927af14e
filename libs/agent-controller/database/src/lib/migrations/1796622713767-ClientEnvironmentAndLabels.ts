import { MigrationInterface, QueryRunner } from 'typeorm';

export class ClientEnvironmentAndLabels1796622713767 implements MigrationInterface {
  name = 'ClientEnvironmentAndLabels1796622713767';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Existing clients land in 'production', the default list's first environment.
    await queryRunner.query(`
            ALTER TABLE "clients" ADD "environment" text NOT NULL DEFAULT 'production'
        `);
    await queryRunner.query(`
            ALTER TABLE "clients" ADD "labels" jsonb NOT NULL DEFAULT '{}'
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_clients_environment" ON "clients" ("environment")
        `);
    // jsonb_ops (the default opclass): the selector's containment (@>) and key existence (?) both use it.
    await queryRunner.query(`
            CREATE INDEX "IDX_clients_labels" ON "clients" USING gin ("labels" jsonb_ops)
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."IDX_clients_labels"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_clients_environment"
        `);
    await queryRunner.query(`
            ALTER TABLE "clients" DROP COLUMN "labels"
        `);
    await queryRunner.query(`
            ALTER TABLE "clients" DROP COLUMN "environment"
        `);
  }
}
