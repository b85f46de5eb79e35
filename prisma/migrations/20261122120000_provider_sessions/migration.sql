-- CreateTable
CREATE TABLE "provider_sessions" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "token_kind" TEXT NOT NULL,
    "current_token_id" UUID NOT NULL,
    "secret_ciphertext" TEXT NOT NULL,
    "secret_key_id" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "provider_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "provider_sessions_current_token_id_key" ON "provider_sessions"("current_token_id");

-- CreateIndex
CREATE INDEX "provider_sessions_tenant_id_endpoint_id_idx" ON "provider_sessions"("tenant_id", "endpoint_id");

-- CreateIndex
CREATE INDEX "provider_sessions_secret_key_id_idx" ON "provider_sessions"("secret_key_id");

-- CreateIndex
CREATE UNIQUE INDEX "provider_sessions_tenant_id_id_key" ON "provider_sessions"("tenant_id", "id");

-- AddForeignKey
ALTER TABLE "provider_sessions" ADD CONSTRAINT "provider_sessions_tenant_id_endpoint_id_fkey" FOREIGN KEY ("tenant_id", "endpoint_id") REFERENCES "endpoints"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;
