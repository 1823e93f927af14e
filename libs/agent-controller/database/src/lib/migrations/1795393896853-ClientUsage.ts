import { MigrationInterface, QueryRunner } from 'typeorm';

export class ClientUsage1795393896853 implements MigrationInterface {
  name = 'ClientUsage1795393896853';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "client_usage_hourly" (
                "client_id" uuid NOT NULL,
                "hour" TIMESTAMP WITH TIME ZONE NOT NULL,
                "requests" integer NOT NULL,
                "errors" integer NOT NULL,
                "latency_buckets" integer array NOT NULL,
                CONSTRAINT "PK_1a3e59f91b9aea46fd186795bc6" PRIMARY KEY ("client_id", "hour")
            )
        `);
    await queryRunner.query(`
            ALTER TABLE "client_usage_hourly"
            ADD CONSTRAINT "FK_1bae93e77efbe5e3b84ff6bf9ca" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "client_usage_hourly" DROP CONSTRAINT "FK_1bae93e77efbe5e3b84ff6bf9ca"
        `);
    await queryRunner.query(`
            DROP TABLE "client_usage_hourly"
        `);
  }
}
