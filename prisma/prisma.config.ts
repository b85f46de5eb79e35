import { defineConfig } from 'prisma/config';

// Paths are relative to this file. The URL is only needed by `prisma migrate deploy | status` (which need
// Prisma's downloadable engine); offline, use `npm run db:migrate`.
export default defineConfig({
  schema: 'schema.prisma',
  migrations: { path: 'migrations' },
  datasource: { url: process.env.DATABASE_URL },
});
