-- AlterTable
ALTER TABLE "provider_sessions" ADD COLUMN     "refresh_locked_until" TIMESTAMPTZ(3);
