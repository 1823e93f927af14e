import { MigrationInterface, QueryRunner } from 'typeorm';

export class AgentCredentials1795390604422 implements MigrationInterface {
  name = 'AgentCredentials1795390604422';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "client_agent_credentials" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "client_id" uuid NOT NULL,
                "agent_id" uuid NOT NULL,
                "password" text NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_client_agent_credentials_client_agent" UNIQUE ("client_id", "agent_id"),
                CONSTRAINT "PK_65c290f664c01caff7f4e532afd" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            ALTER TABLE "client_agent_credentials"
            ADD CONSTRAINT "FK_ec5f992c1672f36be44f65067ee" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "client_agent_credentials" DROP CONSTRAINT "FK_ec5f992c1672f36be44f65067ee"
        `);
    await queryRunner.query(`
            DROP TABLE "client_agent_credentials"
        `);
  }
}
