import { MigrationInterface, QueryRunner } from 'typeorm';

export class ClientUsageHourIndex1796614222814 implements MigrationInterface {
  name = 'ClientUsageHourIndex1796614222814';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE INDEX "IDX_client_usage_hourly_hour" ON "client_usage_hourly" ("hour")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."IDX_client_usage_hourly_hour"
        `);
  }
}
