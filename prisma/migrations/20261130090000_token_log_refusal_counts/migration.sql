-- AlterTable
ALTER TABLE "token_issuances" ADD COLUMN     "request_count" INTEGER NOT NULL DEFAULT 1,
ALTER COLUMN "tenant_id" DROP NOT NULL;
