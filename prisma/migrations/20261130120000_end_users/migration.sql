-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "end_user_sessions" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "end_user_issuers" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "issuer" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "jwks_url" TEXT,
    "public_key_pem" TEXT,
    "algorithms" TEXT[],
    "token_type" TEXT,
    "user_claim" TEXT NOT NULL DEFAULT 'sub',
    "clock_skew_seconds" INTEGER NOT NULL DEFAULT 60,
    "secret_ciphertext" TEXT,
    "secret_key_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "end_user_issuers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "end_user_sessions" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "user_id" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "capabilities" "Capability"[] DEFAULT ARRAY[]::"Capability"[],
    "provider_account_id" UUID,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "created_by_key_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "end_user_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "end_user_revocations" (
    "tenant_id" UUID NOT NULL,
    "user_id" TEXT NOT NULL,
    "revoked_before" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "end_user_revocations_pkey" PRIMARY KEY ("tenant_id","user_id")
);

-- CreateIndex
CREATE INDEX "end_user_issuers_secret_key_id_idx" ON "end_user_issuers"("secret_key_id");

-- CreateIndex
CREATE UNIQUE INDEX "end_user_issuers_tenant_id_id_key" ON "end_user_issuers"("tenant_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "end_user_issuers_tenant_id_issuer_key" ON "end_user_issuers"("tenant_id", "issuer");

-- CreateIndex
CREATE UNIQUE INDEX "end_user_sessions_secret_hash_key" ON "end_user_sessions"("secret_hash");

-- CreateIndex
CREATE INDEX "end_user_sessions_tenant_id_user_id_idx" ON "end_user_sessions"("tenant_id", "user_id");

-- CreateIndex
CREATE INDEX "end_user_sessions_tenant_id_created_at_idx" ON "end_user_sessions"("tenant_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "end_user_sessions_tenant_id_id_key" ON "end_user_sessions"("tenant_id", "id");

-- AddForeignKey
ALTER TABLE "end_user_issuers" ADD CONSTRAINT "end_user_issuers_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "end_user_sessions" ADD CONSTRAINT "end_user_sessions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
