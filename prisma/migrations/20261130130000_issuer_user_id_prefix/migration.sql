-- AlterTable
ALTER TABLE "end_user_issuers" ADD COLUMN     "user_id_prefix" TEXT NOT NULL DEFAULT '';
