import { MigrationInterface, QueryRunner } from 'typeorm';

export class ClientWeakApiKey1796571644526 implements MigrationInterface {
  name = 'ClientWeakApiKey1796571644526';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Keys shorter than 16 characters were refused until now, so every existing row starts as not weak.
    await queryRunner.query(`
            ALTER TABLE "clients"
            ADD "weak_api_key" boolean NOT NULL DEFAULT false
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "clients" DROP COLUMN "weak_api_key"
        `);
  }
}
