-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "TenantStatus" AS ENUM ('active', 'suspended');

-- CreateEnum
CREATE TYPE "ApiKeyKind" AS ENUM ('admin', 'tenant', 'service');

-- CreateEnum
CREATE TYPE "ProviderAccountStatus" AS ENUM ('active', 'disabled');

-- CreateEnum
CREATE TYPE "Capability" AS ENUM ('incoming', 'outgoing');

-- CreateEnum
CREATE TYPE "IssuanceOutcome" AS ENUM ('issued', 'refused', 'failed');

-- CreateEnum
CREATE TYPE "AuditOutcome" AS ENUM ('success', 'failure');

-- CreateTable
CREATE TABLE "tenants" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" "TenantStatus" NOT NULL DEFAULT 'active',
    "settings" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "tenant_id" UUID,
    "kind" "ApiKeyKind" NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "scopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    "created_by_key_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "provider_accounts" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" "ProviderAccountStatus" NOT NULL DEFAULT 'active',
    "base_url" TEXT,
    "config" JSONB NOT NULL DEFAULT '{}',
    "policy" JSONB NOT NULL DEFAULT '{}',
    "secret_ciphertext" TEXT NOT NULL,
    "secret_key_id" TEXT NOT NULL,
    "secret_hints" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "provider_accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "endpoints" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "provider_account_id" UUID NOT NULL,
    "user_id" TEXT NOT NULL,
    "identity" TEXT NOT NULL,
    "capabilities" "Capability"[] DEFAULT ARRAY[]::"Capability"[],
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "provider_data" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "endpoints_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "token_issuances" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "provider_account_id" UUID,
    "endpoint_id" UUID,
    "user_id" TEXT,
    "identity" TEXT,
    "actor_kind" TEXT NOT NULL,
    "actor_id" TEXT,
    "provider" TEXT,
    "token_kind" TEXT,
    "grants" JSONB,
    "ttl_seconds" INTEGER,
    "issued_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3),
    "token_fingerprint" TEXT,
    "request_id" TEXT,
    "client_ip" TEXT,
    "origin" TEXT,
    "outcome" "IssuanceOutcome" NOT NULL,
    "error_code" TEXT,

    CONSTRAINT "token_issuances_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" UUID NOT NULL,
    "tenant_id" UUID,
    "actor_kind" TEXT NOT NULL,
    "actor_id" TEXT,
    "action" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" TEXT,
    "outcome" "AuditOutcome" NOT NULL,
    "error_code" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',
    "request_id" TEXT,
    "client_ip" TEXT,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "tenants_slug_key" ON "tenants"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_secret_hash_key" ON "api_keys"("secret_hash");

-- CreateIndex
CREATE INDEX "api_keys_tenant_id_created_at_idx" ON "api_keys"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "api_keys_kind_created_at_idx" ON "api_keys"("kind", "created_at");

-- CreateIndex
CREATE INDEX "provider_accounts_secret_key_id_idx" ON "provider_accounts"("secret_key_id");

-- CreateIndex
CREATE UNIQUE INDEX "provider_accounts_tenant_id_id_key" ON "provider_accounts"("tenant_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "provider_accounts_tenant_id_name_key" ON "provider_accounts"("tenant_id", "name");

-- CreateIndex
CREATE INDEX "endpoints_tenant_id_user_id_idx" ON "endpoints"("tenant_id", "user_id");

-- CreateIndex
CREATE UNIQUE INDEX "endpoints_tenant_id_id_key" ON "endpoints"("tenant_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "endpoints_tenant_id_provider_account_id_user_id_key" ON "endpoints"("tenant_id", "provider_account_id", "user_id");

-- CreateIndex
CREATE UNIQUE INDEX "endpoints_provider_account_id_identity_key" ON "endpoints"("provider_account_id", "identity");

-- CreateIndex
CREATE INDEX "token_issuances_tenant_id_issued_at_id_idx" ON "token_issuances"("tenant_id", "issued_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "token_issuances_tenant_id_user_id_issued_at_idx" ON "token_issuances"("tenant_id", "user_id", "issued_at" DESC);

-- CreateIndex
CREATE INDEX "token_issuances_tenant_id_provider_account_id_issued_at_idx" ON "token_issuances"("tenant_id", "provider_account_id", "issued_at" DESC);

-- CreateIndex
CREATE INDEX "token_issuances_issued_at_id_idx" ON "token_issuances"("issued_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "audit_events_tenant_id_occurred_at_id_idx" ON "audit_events"("tenant_id", "occurred_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "audit_events_occurred_at_id_idx" ON "audit_events"("occurred_at" DESC, "id" DESC);

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "provider_accounts" ADD CONSTRAINT "provider_accounts_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "endpoints" ADD CONSTRAINT "endpoints_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "endpoints" ADD CONSTRAINT "endpoints_tenant_id_provider_account_id_fkey" FOREIGN KEY ("tenant_id", "provider_account_id") REFERENCES "provider_accounts"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;
