import { MigrationInterface, QueryRunner } from 'typeorm';

export class ClientUsersAndKeycloakSubjects1795388585724 implements MigrationInterface {
  name = 'ClientUsersAndKeycloakSubjects1795388585724';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "client_users" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "client_id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "role" character varying(16) NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_client_users_client_user" UNIQUE ("client_id", "user_id"),
                CONSTRAINT "CHK_client_users_role" CHECK ("role" IN ('admin', 'user')),
                CONSTRAINT "PK_fe74bfd4d01077395ee4204b553" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_client_users_user_id" ON "client_users" ("user_id")
        `);
    await queryRunner.query(`
            ALTER TABLE "users"
            ADD "keycloak_subject" character varying(255)
        `);
    await queryRunner.query(`
            ALTER TABLE "users"
            ADD CONSTRAINT "UQ_fc930f65a44d2181a6b12356a07" UNIQUE ("keycloak_subject")
        `);
    await queryRunner.query(`
            ALTER TABLE "client_users"
            ADD CONSTRAINT "FK_934bd66f558a7304bf4d2c2597b" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "client_users"
            ADD CONSTRAINT "FK_132c5c724fd35a3001421547513" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "client_users" DROP CONSTRAINT "FK_132c5c724fd35a3001421547513"
        `);
    await queryRunner.query(`
            ALTER TABLE "client_users" DROP CONSTRAINT "FK_934bd66f558a7304bf4d2c2597b"
        `);
    await queryRunner.query(`
            ALTER TABLE "users" DROP CONSTRAINT "UQ_fc930f65a44d2181a6b12356a07"
        `);
    await queryRunner.query(`
            ALTER TABLE "users" DROP COLUMN "keycloak_subject"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_client_users_user_id"
        `);
    await queryRunner.query(`
            DROP TABLE "client_users"
        `);
  }
}
