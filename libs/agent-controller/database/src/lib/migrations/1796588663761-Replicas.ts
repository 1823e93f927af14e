import { MigrationInterface, QueryRunner } from 'typeorm';

export class Replicas1796588663761 implements MigrationInterface {
  name = 'Replicas1796588663761';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // The live controller processes on this database (their heartbeats), to notice a fleet without Redis.
    await queryRunner.query(`
            CREATE TABLE "replicas" (
                "id" uuid NOT NULL,
                "hostname" character varying(255) NOT NULL,
                "pid" integer NOT NULL,
                "started_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "has_redis" boolean NOT NULL,
                CONSTRAINT "PK_6587a2c44763909278f24ae9357" PRIMARY KEY ("id")
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "replicas"
        `);
  }
}
