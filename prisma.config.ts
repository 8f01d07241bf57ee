import { defineConfig } from 'prisma/config';

// The Prisma CLI reads the connection from here (Prisma 7 no longer takes it in schema.prisma).
// The default matches the one in src/config/env.ts so a fresh machine needs no setup.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/readiness',
  },
});
